// Extracts the user-facing strings of src/ (calls to vscode.l10n.t, its alias `l`, and core's
// `t` from src/core/l10n.ts) and writes l10n/bundle.l10n.json, the English source bundle.
//   node scripts/l10n.mjs          write the bundle
//   node scripts/l10n.mjs --check  exit 1 when the bundle is stale (used by the unit tests too)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const callee = /(?<![\w.])(?:l|t|vscode\.l10n\.t|l10n\.t)\(\s*(['"])((?:\\.|(?!\1).)*)\1/g;

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

export function extractMessages(srcDir = path.join(root, 'src')) {
  const keys = new Set();
  for (const file of walk(srcDir)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(callee)) keys.add(JSON.parse(`"${m[2].replace(/\\'/g, "'").replace(/"/g, '\\"')}"`));
  }
  return [...keys].sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const keys = extractMessages();
  const bundle = Object.fromEntries(keys.map((k) => [k, k]));
  const file = path.join(root, 'l10n', 'bundle.l10n.json');
  const text = JSON.stringify(bundle, null, 2) + '\n';
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (current !== text) {
      console.error('l10n/bundle.l10n.json is stale: run `node scripts/l10n.mjs`');
      process.exit(1);
    }
  } else {
    fs.writeFileSync(file, text);
    console.log(`${keys.length} messages`);
  }
}
