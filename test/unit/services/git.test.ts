// What git would commit, asked of the real git, and what happens when git cannot answer: the
// file counts as "would be committed", never as safe.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isIgnoredByGit, isInGitRepo, isTrackedByGit, wouldBeCommitted } from '../../../src/services/git';

describe('ui git: would git commit this file (fails closed)', function () {
  this.timeout(20_000);
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-git-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function repo(name: string): string {
    const dir = path.join(root, name);
    fs.mkdirSync(dir);
    execFileSync('git', ['init', '-q', dir]);
    fs.writeFileSync(path.join(dir, '.gitignore'), 'secret.env\n');
    fs.writeFileSync(path.join(dir, 'tracked.yaml'), 'a: 1\n');
    execFileSync('git', ['-C', dir, 'add', 'tracked.yaml']);
    fs.writeFileSync(path.join(dir, 'secret.env'), 'P=1\n');
    fs.writeFileSync(path.join(dir, 'new.yaml'), 'b: 2\n');
    return dir;
  }

  it('answers from git when git answers', async () => {
    const dir = repo('ok');
    assert.deepEqual(await wouldBeCommitted(path.join(dir, 'tracked.yaml')), { committed: true });
    assert.deepEqual(await wouldBeCommitted(path.join(dir, 'new.yaml')), { committed: true });
    assert.deepEqual(await wouldBeCommitted(path.join(dir, 'secret.env')), { committed: false });
    assert.equal(await isIgnoredByGit(path.join(dir, 'secret.env')), true);
    assert.equal(await isTrackedByGit(path.join(dir, 'new.yaml')), false);
    // Outside any repository (the ceiling keeps git from finding one above the temp dir).
    const outside = path.join(root, 'plain');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'config.yaml'), 'c: 3\n');
    const env = { ...process.env, GIT_CEILING_DIRECTORIES: root };
    assert.equal(await isInGitRepo(outside, { env }), false);
    assert.deepEqual(await wouldBeCommitted(path.join(outside, 'config.yaml'), { env }), { committed: false });
  });

  it('a repository git refuses ("dubious ownership") is treated as one that commits the file', async () => {
    const dir = repo('foreign');
    // Owned by another user: git refuses to work in it (safe.directory), exit 128.
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (process.getuid?.() === 0) execFileSync('chown', ['-R', '65534:65534', dir]);
    else env.GIT_TEST_ASSUME_DIFFERENT_OWNER = '1';
    const verdict = await wouldBeCommitted(path.join(dir, 'secret.env'), { env });
    assert.equal(verdict.committed, true, 'even the ignored file counts as committed');
    assert.match(verdict.unknown ?? '', /git exited with 128: fatal: detected dubious ownership/);
    const tracked = await isTrackedByGit(path.join(dir, 'secret.env'), { env });
    assert.equal(typeof tracked, 'object', 'not a yes or no');
  });

  it('a missing git is treated as one that commits the file', async () => {
    const dir = repo('nogit');
    const env = { ...process.env, PATH: path.join(root, 'empty-bin') };
    const verdict = await wouldBeCommitted(path.join(dir, 'secret.env'), { env });
    assert.equal(verdict.committed, true);
    assert.match(verdict.unknown ?? '', /git could not be run \(ENOENT\)/);
    assert.notEqual(await isIgnoredByGit(path.join(dir, 'secret.env'), { env }), true);
  });

  it('a git that does not answer in time is treated as one that commits the file', async () => {
    const dir = repo('slow');
    const bin = path.join(root, 'slow-bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'git'), '#!/bin/sh\nexec /bin/sleep 5\n', { mode: 0o755 });
    const started = Date.now();
    const verdict = await wouldBeCommitted(path.join(dir, 'secret.env'), { env: { ...process.env, PATH: bin }, timeoutMs: 300 });
    assert.equal(verdict.committed, true);
    assert.match(verdict.unknown ?? '', /git did not answer within 300 ms/);
    assert.ok(Date.now() - started < 4000, 'it did not wait for git');
  });
});
