// Prints one line per figure: `name value unit`. Builds the production bundles first.
//   npm run bench                 every figure
//   npm run bench -- activation   only the lines whose module name matches
import { execFileSync, spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2];
const RUNS = 21;

execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json'], { cwd: root, stdio: 'inherit' });

const print = (name, value, unit) => console.log(`${name} ${Number.isInteger(value) ? value : value.toFixed(3)} ${unit}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeFresh(script, args = []) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
    samples.push(Number(r.stdout));
  }
  return median(samples);
}

if (!only || 'activation'.includes(only)) {
  const dist = path.join(root, 'dist');
  const js = fs.readdirSync(dist).filter((f) => f.endsWith('.js'));
  const kb = (f) => fs.statSync(path.join(dist, f)).size / 1024;
  const activation = timeFresh(path.join(root, 'scripts/bench/activate-once.cjs'));

  // The eager alternative: every runtime dependency required up front, as one minified bundle.
  const eagerDir = path.join(root, '.cache', 'bench');
  fs.mkdirSync(eagerDir, { recursive: true });
  const entry = path.join(eagerDir, 'eager-entry.js');
  const deps = ['@aws-sdk/client-ec2', '@aws-sdk/client-rds', '@aws-sdk/client-sts', '@aws-sdk/client-secrets-manager',
    '@aws-sdk/client-ec2-instance-connect', '@aws-sdk/credential-providers', '@aws-sdk/rds-signer', 'mysql2/promise', 'ssh2', 'yaml', 'jsonc-parser', 'smol-toml'];
  fs.writeFileSync(entry, deps.map((d, i) => `exports.d${i} = require(${JSON.stringify(d)});`).join('\n'));
  await esbuild.build({
    entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, mainFields: ['module', 'main'], outfile: path.join(eagerDir, 'eager.js'),
    absWorkingDir: root, nodePaths: [path.join(root, 'node_modules')], logLevel: 'error',
    plugins: [{ name: 'optional', setup: (b) => b.onResolve({ filter: /^(cpu-features|cardinal)$|sshcrypto\.node$/ }, (a) => ({ path: a.path, external: true })) }],
  });
  const eager = timeFresh(path.join(root, 'scripts/bench/require-once.cjs'), [path.join(eagerDir, 'eager.js')]);

  print('activation_ms', activation, 'ms');
  print('bundle_main_kb', Math.round(kb('extension.js')), 'kB');
  print('bundle_total_kb', Math.round(js.reduce((a, f) => a + kb(f), 0)), 'kB');
  print('eager_require_ms', eager, 'ms');
  print('activation_vs_eager_ratio', activation / eager, 'ratio');
}

// Feature benchmarks: out/test/bench/*.bench.js, each exporting run() → [{ name, value, unit }].
const benchDir = path.join(root, 'out', 'test', 'bench');
const modules = fs.existsSync(benchDir) ? fs.readdirSync(benchDir).filter((f) => f.endsWith('.bench.js')).sort() : [];
let failed = false;
for (const f of modules) {
  if (only && !f.includes(only)) continue;
  const code = `require(${JSON.stringify(path.join(benchDir, f))}).run().then((lines) => { for (const l of lines) console.log(\`\${l.name} \${Number.isInteger(l.value) ? l.value : l.value.toFixed(3)} \${l.unit}\`); process.exit(0); }, (e) => { console.error(e); process.exit(1); })`;
  const r = spawnSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(r.stdout);
  if (r.status !== 0) {
    console.error(`${f} failed`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
