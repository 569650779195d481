/**
 * hostile_workspace_leaks: the bytes that reached a foreign port when a workspace's settings try
 * every redirect (AWS endpoint, local-port route with TLS off, SSH host, key and CA files, another
 * profile), while the product is driven in the real VS Code: the e2e suite
 * test/e2e/hostileWorkspace.test.ts, run here (code-server and Chromium, about 20 s), which
 * writes what its listener recorded to test-results/hostile-workspace.json. Must be 0.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resultsDir } from '../support/browser';
import { repoRoot } from '../support/codeServer';

export function run(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const file = path.join(resultsDir, 'hostile-workspace.json');
  fs.rmSync(file, { force: true });
  // bench.mjs has built dist/ and compiled the tests: the mocha layer runs them as they are.
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'mocha-layer.cjs'), 'e2e'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, RDS_LINK_GREP: 'a hostile workspace cannot redirect credentials', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (!fs.existsSync(file)) return Promise.reject(new Error(`the hostile-workspace e2e wrote no results (exit ${r.status}):\n${r.stdout}${r.stderr}`));
  const result = JSON.parse(fs.readFileSync(file, 'utf8')) as { bytes: number; connections: number; complete: boolean };
  // A failed run proves no 0; a leak is a figure whether the rest passed or not.
  if (!result.complete && result.bytes === 0) return Promise.reject(new Error(`the hostile-workspace e2e failed before it could show 0 bytes:\n${r.stdout}`));
  return Promise.resolve([
    { name: 'hostile_workspace_leaks', value: result.bytes, unit: 'bytes' },
    { name: 'hostile_workspace_foreign_connections', value: result.connections, unit: 'count' },
  ]);
}
