/**
 * The layout, as rules (issue #20). `npm run lint` runs dependency-cruiser with this file, so a
 * cycle or an import that points up a layer fails the build instead of drifting in silently.
 * Type-only imports count (tsPreCompilationDeps), so a cycle through types is a cycle too.
 *
 * Each package's rooms, lowest layer first. A file may import its own room and the rooms of
 * lower layers, never a room of its own layer or above (app.ts, start.ts and main.ts are the top).
 */
const LAYERS = {
  proxy: [['http'], ['observe'], ['keys'], ['config'], ['auth'], ['pipeline'], ['server']],
  'mock-upstream': [
    ['http'], //                     error table and JSON answers, Host guard
    ['config'], //                   the environment, parsed once; the Logger shape
    ['web', 'verify', 'faults'], //  the page's files; token checks; fault plans
    ['stubs'], //                    programmed answers (may carry a fault)
    ['record'], //                   journal, body, SSE, waiters; recording and answering a request
    ['api'], //                      the /__mock routes, query, exports
    ['server'], //                   dispatch by path, the server class
  ],
};

/** One rule per room: it may not import a sibling of its layer, a room above it, or the entry files. */
function layerRules() {
  return Object.entries(LAYERS).flatMap(([pkg, layers]) =>
    layers.flatMap((rooms, i) =>
      rooms.map((room) => {
        const forbidden = [...rooms.filter((r) => r !== room), ...layers.slice(i + 1).flat()];
        return {
          name: `${pkg}-${room}-imports-only-lower-rooms`,
          comment: `${pkg}/src/${room} must not import ${forbidden.join(', ') || 'no room'} nor app.ts/start.ts/main.ts`,
          severity: 'error',
          from: { path: `^${pkg}/src/${room}/`, pathNot: '\\.test\\.ts$' },
          to: { path: `^${pkg}/src/(${[...forbidden.map((r) => `${r}/`), 'app\\.ts', 'start\\.ts', 'main\\.ts'].join('|')})` },
        };
      }),
    ),
  );
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
    ...layerRules(),
    {
      name: 'only-the-bridge-imports-http-proxy-middleware',
      comment: 'http-proxy-middleware is reached through one file (STYLE: an internal lives in one file); bench/peers/ are other programs (issue #22)',
      severity: 'error',
      from: { pathNot: '^(proxy/src/pipeline/http-proxy-bridge(\\.test)?\\.ts|bench/peers/.*)$' },
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
      name: 'only-the-entry-imports-start',
      comment: 'proxy/src/start.ts reads the environment and listens; only main.ts imports it, after server/http-esm-facade.ts (issue #22)',
      severity: 'error',
      from: { pathNot: '^proxy/src/main\\.ts$' },
      to: { path: '^proxy/src/start\\.ts$' },
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
