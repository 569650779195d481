/**
 * What git would do with a file: a password written where git commits it leaks.
 *
 * Every answer fails closed. Only a clear answer from git counts as "safe": exit 0 or 1 of a
 * command whose exit code is the answer, or "not a git repository". A git that is missing, times
 * out, is killed, or refuses (a repository "with dubious ownership", a broken config, any other
 * exit code) leaves the question open, and an open question is answered "would be committed".
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

export interface GitOptions {
  /** The environment git runs in (PATH, GIT_*); default: this process's. */
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** git's answer: its exit code, or why there is none. */
type GitRun = { readonly code: number; readonly stderr: string } | { readonly failed: string };

function git(cwd: string, args: string[], options: GitOptions = {}): Promise<GitRun> {
  return new Promise((resolve) => {
    // Messages in English, so "not a git repository" can be told from a refusal.
    const env = { ...(options.env ?? process.env), LC_ALL: 'C', LANGUAGE: 'C' };
    execFile('git', args, { cwd, env, timeout: options.timeoutMs ?? 5000 }, (err, _stdout, stderr) => {
      if (!err) return resolve({ code: 0, stderr: String(stderr) });
      const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
      if (typeof e.code === 'number' && !e.killed && !e.signal) return resolve({ code: e.code, stderr: String(stderr) });
      resolve({ failed: e.killed || e.signal ? `git did not answer within ${options.timeoutMs ?? 5000} ms` : `git could not be run (${e.code ?? e.message})` });
    });
  });
}

/** True, false, or why git could not say. */
export type GitAnswer = boolean | { readonly unknown: string };

function reasonOf(r: GitRun): string {
  if ('failed' in r) return r.failed;
  const line = r.stderr.split('\n').find((s) => s.trim()) ?? '';
  return `git exited with ${r.code}${line ? `: ${line.trim()}` : ''}`;
}

const NOT_A_REPO = /not a git repository/i;

/** A yes/no command: exit 0 is yes, 1 is no; outside a repository `outside`; anything else unknown. */
async function ask(dir: string, args: string[], outside: boolean, options?: GitOptions): Promise<GitAnswer> {
  const r = await git(dir, args, options);
  if ('code' in r) {
    if (r.code === 0) return true;
    if (r.code === 1) return false;
    if (r.code === 128 && NOT_A_REPO.test(r.stderr)) return outside;
  }
  return { unknown: reasonOf(r) };
}

export function isTrackedByGit(file: string, options?: GitOptions): Promise<GitAnswer> {
  return ask(path.dirname(file), ['ls-files', '--error-unmatch', '--', path.basename(file)], false, options);
}

export function isIgnoredByGit(file: string, options?: GitOptions): Promise<GitAnswer> {
  return ask(path.dirname(file), ['check-ignore', '-q', '--', path.basename(file)], false, options);
}

/** `rev-parse --is-inside-work-tree` exits 0 inside a work tree and 128 outside (or when refused). */
export async function isInGitRepo(dir: string, options?: GitOptions): Promise<GitAnswer> {
  const r = await git(dir, ['rev-parse', '--is-inside-work-tree'], options);
  if ('code' in r && r.code === 0) return true;
  if ('code' in r && r.code === 128 && NOT_A_REPO.test(r.stderr)) return false;
  return { unknown: reasonOf(r) };
}

export interface CommitVerdict {
  readonly committed: boolean;
  /** Set when git could not tell, and "committed" is the safe guess. */
  readonly unknown?: string;
}

/**
 * Whether git would commit the file: tracked (then .gitignore does not matter), or new and not
 * ignored (the next `git add .` takes it). When git cannot tell, it would.
 */
export async function wouldBeCommitted(file: string, options?: GitOptions): Promise<CommitVerdict> {
  const inRepo = await isInGitRepo(path.dirname(file), options);
  if (inRepo === false) return { committed: false };
  if (inRepo !== true) return { committed: true, unknown: inRepo.unknown };
  const tracked = await isTrackedByGit(file, options);
  if (tracked !== false) return tracked === true ? { committed: true } : { committed: true, unknown: tracked.unknown };
  const ignored = await isIgnoredByGit(file, options);
  if (ignored === true) return { committed: false };
  return ignored === false ? { committed: true } : { committed: true, unknown: ignored.unknown };
}

/** `git describe` of the folder (what a deploy stamps into the binary); undefined outside git or on failure. */
export function gitDescribe(cwd: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => execFile('git', [...args], { cwd, timeout: 5000 }, (err, stdout) => resolve(err ? undefined : String(stdout).trim() || undefined)));
}
