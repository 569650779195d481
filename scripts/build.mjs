// Bundles the extension with esbuild into dist/.
//
// dist/extension.js is what VS Code loads at activation: the VS Code layer only. The heavy
// parts (AWS SDK, mysql2, ssh2, the config parsers) are separate bundles that the VS Code layer
// requires on first use through src/lazy.ts, so activation never pays for them.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** The lazily loaded bundles: name in dist/ → entry under src/. */
export const lazyBundles = {
  aws: 'src/core/aws/index.ts',
  db: 'src/core/db/index.ts',
  goconfig: 'src/core/goconfig/index.ts',
  deploy: 'src/core/deploy/index.ts',
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  sourcemap: production ? false : 'linked',
  minify: production,
  legalComments: production ? 'none' : 'inline',
  logLevel: 'warning',
  // jsonc-parser's main is a UMD build whose requires esbuild cannot follow; its ESM build bundles.
  mainFields: ['module', 'main'],
  absWorkingDir: root,
  // ssh2 tries an optional native binding and cpu-features; both have pure-JS fallbacks.
  // mysql2 optionally requires cardinal for debugging output.
  plugins: [{
    name: 'optional-natives',
    setup(build) {
      build.onResolve({ filter: /^(cpu-features|cardinal)$|sshcrypto\.node$/ }, (args) => ({ path: args.path, external: true }));
    },
  }],
};

const options = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  { ...common, entryPoints: lazyBundles, outdir: 'dist' },
];

if (watch) {
  for (const o of options) {
    const ctx = await esbuild.context(o);
    await ctx.watch();
  }
  console.log('esbuild: watching');
} else {
  await Promise.all(options.map((o) => esbuild.build(o)));
}
