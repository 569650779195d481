/** What git would do with a file: a password written where git commits it leaks. */
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
  return (await git(path.dirname(file), ['ls-files', '--error-unmatch', '--', path.basename(file)])).code === 0;
}

/**
 * True when the file sits in a git work tree and git would commit it: tracked (then .gitignore
 * does not matter), or new and not ignored (the next `git add .` takes it).
 */
export async function wouldBeCommitted(file: string): Promise<boolean> {
  if (!(await isInGitRepo(path.dirname(file)))) return false;
  return (await isTrackedByGit(file)) || !(await isIgnoredByGit(file));
}

export async function isIgnoredByGit(file: string): Promise<boolean> {
  const r = await git(path.dirname(file), ['check-ignore', '-q', '--', path.basename(file)]);
  return r.code === 0;
}

export async function isInGitRepo(dir: string): Promise<boolean> {
  return (await git(dir, ['rev-parse', '--is-inside-work-tree'])).code === 0;
}
