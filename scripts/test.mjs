// Runs the test layers in order and prints how long each took.
//   node scripts/test.mjs [layer ...]     layers: unit integration vscode-host e2e (default: all)
// Every layer reports {passes, failures, pending} to a JSON file; the last line sums them up
// as "tests: N passed, N failed" so CI can read the outcome whatever runner a layer used.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const all = ['unit', 'integration', 'vscode-host', 'e2e'];
const asked = process.argv.slice(2);
for (const l of asked) {
  if (!all.includes(l)) {
    console.error(`unknown layer "${l}"; layers are: ${all.join(', ')}`);
    process.exit(2);
  }
}
const layers = asked.length ? all.filter((l) => asked.includes(l)) : all;

function step(label, cmd, args, env = {}) {
  const t0 = Date.now();
  // The SDK's "Node 22 from 2027" notice is noise in test output (the extension silences it too).
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env, ...env } });
  const ms = Date.now() - t0;
  return { ok: r.status === 0, ms, label };
}

const timings = [];
for (const [label, args] of [['build', ['scripts/build.mjs']], ['compile tests', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json']]]) {
  const s = step(label, process.execPath, args);
  timings.push(s);
  if (!s.ok) {
    console.error(`\n${label} failed`);
    process.exit(1);
  }
}

/** How each layer runs: mocha over compiled files, or its own runner for the editor-hosted suites. */
const runners = {
  unit: ['scripts/mocha-layer.cjs', 'unit'],
  integration: ['scripts/mocha-layer.cjs', 'integration'],
  'vscode-host': ['out/test/vscode-host/runInCodeServer.js'],
  e2e: ['scripts/mocha-layer.cjs', 'e2e'],
};

const totals = { passes: 0, failures: 0, pending: 0 };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-test-'));
for (const layer of layers) {
  const resultsFile = path.join(tmp, `${layer}.json`);
  console.log(`\n=== ${layer} ===`);
  const s = step(layer, process.execPath, runners[layer], { RDS_LINK_RESULTS: resultsFile });
  let stats = { passes: 0, failures: 1, pending: 0 };
  try {
    stats = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } catch {
    console.error(`${layer}: the layer reported no results (exit ${s.ok ? 0 : 'non-zero'})`);
  }
  if (!s.ok && stats.failures === 0) stats.failures = 1;
  if (stats.passes === 0) {
    console.error(`${layer}: no test ran — every layer must run real tests`);
    stats.failures += 1;
  }
  totals.passes += stats.passes;
  totals.failures += stats.failures;
  totals.pending += stats.pending;
  timings.push({ ...s, label: `${layer} (${stats.passes} passed, ${stats.failures} failed, ${stats.pending} pending)` });
}
fs.rmSync(tmp, { recursive: true, force: true });

console.log('\n=== timings ===');
for (const t of timings) console.log(`${(t.ms / 1000).toFixed(1).padStart(7)} s  ${t.label}`);
if (totals.pending) console.log(`${totals.pending} pending tests count as failures: skip nothing.`);
const failed = totals.failures + totals.pending;
console.log(`\ntests: ${totals.passes} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
