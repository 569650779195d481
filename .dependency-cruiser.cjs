/**
 * The layers, as rules `npm run lint` enforces (dependency-cruiser): imports run downward only,
 *   core ← state ← ui ← services ← tree / codeActions / documents ← commands ← extension
 * and nothing imports in a circle. test/unit/lintBoundary.test.ts proves that a back-up import fails.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-editor-free',
      comment: 'src/core never imports the layers above it (that it never imports the editor API itself is ESLint\'s no-restricted-imports rule).',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: ['^src/(state|services|ui|tree|codeActions|documents|commands)/', '^src/(extension|lazy|ids)\\.ts$'] },
    },
    {
      name: 'state-below-the-ui',
      comment: 'src/state holds the session, resources, secrets and settings: it never imports the layers above it.',
      severity: 'error',
      from: { path: '^src/state/' },
      to: { path: ['^src/(services|ui|tree|codeActions|documents|commands)/', '^src/extension\\.ts$'] },
    },
    {
      name: 'ui-below-the-services',
      comment: 'src/ui is the way to the person (pickers, confirmations, the status bar, the log): everything above may use it; it uses only state and core.',
      severity: 'error',
      from: { path: '^src/ui/' },
      to: { path: ['^src/(services|tree|codeActions|documents|commands)/', '^src/extension\\.ts$'] },
    },
    {
      name: 'services-below-the-views',
      comment: 'src/services (connections, TLS, host keys, git) are called by commands and views; they never import them.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: ['^src/(tree|codeActions|documents|commands)/', '^src/extension\\.ts$'] },
    },
    {
      name: 'ui-below-the-commands',
      comment: 'Views, code actions and UI helpers are used by commands, never the reverse.',
      severity: 'error',
      from: { path: '^src/(tree|codeActions|documents)/' },
      to: { path: ['^src/commands/', '^src/extension\\.ts$'] },
    },
    {
      name: 'commands-below-activation',
      severity: 'error',
      from: { path: '^src/commands/' },
      to: { path: '^src/extension\\.ts$' },
    },
    {
      name: 'no-cycles',
      comment: 'A cycle makes the layers meaningless and the lazy bundles load in surprising orders.',
      severity: 'error',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(out|dist|node_modules)/' },
  },
};
