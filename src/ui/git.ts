/** Whether git tracks a file and does not ignore it: a password written there would be committed. */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

function git(cwd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 5000 }, (err, stdout) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout) });
    });
  });
}

export async function isTrackedByGit(file: string): Promise<boolean> {
  const dir = path.dirname(file);
  const tracked = await git(dir, ['ls-files', '--error-unmatch', '--', path.basename(file)]);
  if (tracked.code !== 0) return false;
  const ignored = await git(dir, ['check-ignore', '-q', '--no-index', '--', path.basename(file)]);
  return ignored.code !== 0;
}

export async function isIgnoredByGit(file: string): Promise<boolean> {
  const r = await git(path.dirname(file), ['check-ignore', '-q', '--', path.basename(file)]);
  return r.code === 0;
}

export async function isInGitRepo(dir: string): Promise<boolean> {
  return (await git(dir, ['rev-parse', '--is-inside-work-tree'])).code === 0;
}
