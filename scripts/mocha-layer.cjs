// Runs one mocha layer over the compiled tests in out/test/<layer>/ and writes its counts to
// the file named by RDS_LINK_RESULTS (see scripts/test.mjs).
const Mocha = require('mocha');
const fs = require('node:fs');
const path = require('node:path');

const layer = process.argv[2];
const dir = path.join(__dirname, '..', 'out', 'test', layer);
const timeouts = { unit: 10_000, integration: 120_000, e2e: 600_000 };

function collect(d) {
  if (!fs.existsSync(d)) return [];
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) return collect(p);
    return e.name.endsWith('.test.js') ? [p] : [];
  });
}

const mocha = new Mocha({ timeout: timeouts[layer] ?? 60_000, reporter: 'spec', forbidOnly: !!process.env.CI });
const files = collect(dir).sort();
const grep = process.env.RDS_LINK_GREP;
if (grep) mocha.grep(grep);
// The unit layer gets a `vscode` module of value types (see test/unit/support/installVscode.ts).
if (layer === 'unit') require(path.join(dir, 'support', 'installVscode.js'));
for (const f of files) mocha.addFile(f);
const runner = mocha.run((failures) => {
  const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
  if (process.env.RDS_LINK_RESULTS) {
    fs.writeFileSync(process.env.RDS_LINK_RESULTS, JSON.stringify({ passes: stats.passes, failures: stats.failures, pending: stats.pending }));
  }
  process.exitCode = failures ? 1 : 0;
  // Servers started by a layer are stopped in its after() hooks; don't wait on stray handles.
  setTimeout(() => process.exit(process.exitCode), 500).unref();
});
