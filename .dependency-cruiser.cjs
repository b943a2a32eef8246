/**
 * The layout, as rules (issue #20). `npm run lint` runs dependency-cruiser with this file, so a
 * cycle or an import that points up a layer fails the build instead of drifting in silently.
 *
 * proxy/src rooms, lowest first; a room may import only rooms below it:
 *   http < observe < keys < config < pipeline < server < app.ts, main.ts
 * Type-only imports count (tsPreCompilationDeps), so a cycle through types is a cycle too.
 */
const PROXY_ROOMS = ['http', 'observe', 'keys', 'config', 'pipeline', 'server'];

/** One rule per room: it may not import any room above it, nor app.ts/main.ts. */
function proxyLayerRules() {
  return PROXY_ROOMS.map((room, i) => ({
    name: `proxy-${room}-below-${PROXY_ROOMS.slice(i + 1).join('-') || 'entry'}`,
    comment: `proxy/src/${room} is below ${PROXY_ROOMS.slice(i + 1).join(', ') || 'nothing'} and the entry files: it must not import them`,
    severity: 'error',
    from: { path: `^proxy/src/${room}/`, pathNot: '\\.test\\.ts$' },
    to: { path: `^proxy/src/(${[...PROXY_ROOMS.slice(i + 1), 'app\\.ts', 'main\\.ts'].join('|')})` },
  }));
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles, type-only imports included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...proxyLayerRules(),
    {
      name: 'only-the-bridge-imports-http-proxy-middleware',
      comment: 'http-proxy-middleware is reached through one file (STYLE: an internal lives in one file)',
      severity: 'error',
      from: { pathNot: '^proxy/src/pipeline/http-proxy-bridge(\\.test)?\\.ts$' },
      to: { path: '(^|/)http-proxy-middleware(/|$)' },
    },
    {
      name: 'nothing-imports-the-entry-files',
      comment: 'main.ts reads the environment and listens; nothing may import it (tests spawn it)',
      severity: 'error',
      from: {},
      to: { path: '^(proxy|mock-upstream)/src/main\\.ts$' },
    },
    {
      name: 'src-never-imports-tests',
      comment: 'Production code never imports test code or test aids',
      severity: 'error',
      from: { path: '^(proxy|mock-upstream|contracts|deploy)/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '(\\.test\\.ts$|/test/|^contracts/(testing|suites)/)' },
    },
    {
      name: 'proxy-and-mock-stay-apart',
      comment: 'The proxy and the mock share only contracts/',
      severity: 'error',
      from: { path: '^proxy/src/' },
      to: { path: '^mock-upstream/' },
    },
    {
      name: 'mock-and-proxy-stay-apart',
      comment: 'The proxy and the mock share only contracts/',
      severity: 'error',
      from: { path: '^mock-upstream/src/' },
      to: { path: '^proxy/' },
    },
    {
      name: 'contracts-src-is-the-bottom',
      comment: 'The runtime contract imports no product code',
      severity: 'error',
      from: { path: '^contracts/src/' },
      to: { path: '^(proxy|mock-upstream|bench|e2e|deploy)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
