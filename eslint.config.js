// Flat config: typescript-eslint's strict rules on every TypeScript file;
// `any` is an error in production code and only tolerated in tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'e2e/test-results/', 'e2e/playwright-report/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Issues #10 and #20: no function in any package's production code is over 60 lines.
    files: ['*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Issue #20: config is parsed once, at the edge; only the entry files read the environment.
    files: ['*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '*/src/main.ts', 'proxy/src/start.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only the entry (main.ts; the proxy\'s start.ts) reads process.env: parse it into the typed config there and pass what is needed down.' },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'contracts/suites/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', document: 'readonly', window: 'readonly', fetch: 'readonly', EventSource: 'readonly' } },
  },
);
