// The files a deploy ships beside the binary: folders walked whole with their project-relative
// layout, symlinks inside the project followed, and entries outside it, dangling, missing or
// looping refused with every reason at once. Real folders and symlinks in a temp dir (what is
// tested is how the file system answers). Then the executor's upload with a recording session:
// one SFTP channel per host, the folders made in the staging dir, the same bytes to every host.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ReleaseLayout } from '../../../src/core/deploy/releases';
import { collectShippedFiles, ShippedFilesError, type ShippedFiles } from '../../../src/core/deploy/shipped';
import { SshDeployExecutor } from '../../../src/core/deploy/sshExecutor';
import type { ExecOptions, ExecResult, SshSession } from '../../../src/core/instance/index';

describe('deploy: shipped files (collectShippedFiles)', () => {
  let top: string;
  let project: string;
  const write = (rel: string, text: string, mode = 0o644): void => {
    fs.mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
    fs.writeFileSync(path.join(project, rel), text, { mode });
  };

  beforeEach(() => {
    top = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-shipped-'));
    project = path.join(top, 'app');
    fs.mkdirSync(project);
    write('config.yaml', 'server: {}\n');
    write('templates/index.html', '<h1>todos</h1>');
    write('templates/partials/nav.html', '<nav/>');
    write('static/app.css', 'body{}');
    write('static/run.sh', '#!/bin/sh\n', 0o755);
    fs.mkdirSync(path.join(project, 'static', 'empty'));
    fs.writeFileSync(path.join(top, 'secret.txt'), 'outside');
  });
  afterEach(() => fs.rmSync(top, { recursive: true, force: true }));

  const names = (s: ShippedFiles) => s.files.map((f) => f.name);
  const problemsOf = async (entries: string[]): Promise<readonly string[]> => {
    const err = await collectShippedFiles(project, entries, ['goapp', 'goapp.gz']).then(
      () => assert.fail('expected a ShippedFilesError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ShippedFilesError, String(err));
    assert.match(err.message, /nothing was built or changed/);
    return err.problems;
  };

  it('walks folders whole, with the project-relative layout, folders (empty ones too) listed parents first', async () => {
    const s = await collectShippedFiles(project, ['config.yaml', 'templates/', 'static']);
    assert.deepEqual(names(s), ['config.yaml', 'static/app.css', 'static/run.sh', 'templates/index.html', 'templates/partials/nav.html']);
    assert.deepEqual(s.dirs, ['static', 'static/empty', 'templates', 'templates/partials']);
    assert.equal(s.files.find((f) => f.name === 'templates/partials/nav.html')?.data.toString(), '<nav/>');
    assert.deepEqual(s.files.map((f) => f.mode.toString(8)), ['644', '644', '755', '644', '644'], 'an executable keeps its x bit');
    assert.equal(s.bytes, s.files.reduce((n, f) => n + f.data.length, 0));
  });

  it('a file deep in a folder brings its parent folders; an entry named twice ships once', async () => {
    const s = await collectShippedFiles(project, ['templates/partials/nav.html', 'templates', 'templates/index.html']);
    assert.deepEqual(names(s), ['templates/index.html', 'templates/partials/nav.html']);
    assert.deepEqual(s.dirs, ['templates', 'templates/partials']);
  });

  it('follows a symlink that stays inside the project, under the link\'s name', async () => {
    fs.symlinkSync('../config.yaml', path.join(project, 'templates', 'config-link.yaml'));
    fs.symlinkSync('templates/partials', path.join(project, 'parts'));
    const s = await collectShippedFiles(project, ['templates', 'parts']);
    assert.equal(s.files.find((f) => f.name === 'templates/config-link.yaml')?.data.toString(), 'server: {}\n');
    assert.ok(names(s).includes('parts/nav.html'));
  });

  it('refuses, all reasons at once: a missing path, a link out of the project (entry or inside a folder), a dangling link, a loop', async () => {
    fs.symlinkSync(path.join(top, 'secret.txt'), path.join(project, 'static', 'leak.txt'));
    fs.symlinkSync('..', path.join(project, 'up'));
    fs.symlinkSync('nowhere', path.join(project, 'templates', 'gone.html'));
    fs.symlinkSync('..', path.join(project, 'templates', 'partials', 'loop'));
    const problems = await problemsOf(['static', 'missing.yaml', 'up', 'templates']);
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.match(problems[0], /"static\/leak.txt" points outside the project \(to .*secret.txt\)/);
    assert.match(problems[1], /"missing.yaml" does not exist in /);
    assert.match(problems[2], /"up" points outside the project/);
    assert.match(problems[3], /"templates\/gone.html" is a symlink to nothing/);
    assert.match(problems[4], /"templates\/partials\/loop" is a symlink to a folder that holds it \(a loop\)/);
  });

  it('refuses the project itself, a path out of it, and a name the binary has', async () => {
    write('goapp', 'not the binary');
    const problems = await problemsOf(['.', '../secret.txt', '/etc/passwd', 'goapp']);
    assert.equal(problems.length, 4, problems.join('\n'));
    for (const p of problems.slice(0, 3)) assert.match(p, /must be a file or folder inside the project/);
    assert.match(problems[3], /would replace the binary/);
  });
});

/** Records each exec and each SFTP channel's writes; every command succeeds. */
class RecordingSession {
  /** A remote path whose write fails (a full disk, a dropped channel). */
  failOn?: string;
  readonly commands: string[] = [];
  readonly channels: Array<Array<{ remote: string; data?: Buffer; local?: string; mode?: number }>> = [];
  readonly hostKeySha256 = 'SHA256:x';
  async exec(command: string, _options: ExecOptions = {}): Promise<ExecResult> {
    this.commands.push(command);
    return { code: 0, stdout: '', stderr: '' };
  }
  async sftp(): Promise<unknown> {
    const writes: RecordingSession['channels'][number] = [];
    this.channels.push(writes);
    const done = (cb: (e?: Error) => void) => setImmediate(() => cb());
    return {
      fastPut: (local: string, remote: string, o: { mode: number }, cb: (e?: Error) => void) => (writes.push({ remote, local, mode: o.mode }), done(cb)),
      writeFile: (remote: string, data: Buffer, o: { mode: number }, cb: (e?: Error) => void) => {
        if (remote === this.failOn) {
          setImmediate(() => cb(new Error('Failure (disk full)')));
          return;
        }
        writes.push({ remote, data, mode: o.mode });
        done(cb);
      },
      end: () => undefined,
    };
  }
  guard<T>(work: Promise<T>): Promise<T> {
    return work;
  }
  async close(): Promise<void> {}
}

describe('deploy: the executor uploads shipped folders', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-upload-'));
    fs.writeFileSync(path.join(dir, 'goapp'), 'binary');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function executor(shipped: ShippedFiles, layout: ReleaseLayout, sessions: Map<string, RecordingSession>, failOn?: string): SshDeployExecutor {
    return new SshDeployExecutor({
      release: 'r1',
      openSession: async (id) => {
        const s = new RecordingSession();
        s.failOn = failOn;
        sessions.set(id, s);
        return s as unknown as SshSession;
      },
      layoutFor: () => layout,
      binaryFor: () => path.join(dir, 'goapp'),
      shipped,
      env: {},
      restartCommand: () => 'true',
      statusCommand: () => 'true',
      port: 8080,
      health: { path: '/healthz', timeoutSeconds: 1, retries: 1, intervalSeconds: 0 },
      keepReleases: 5,
    });
  }

  it('a failed write fails the upload naming the file, and the files still queued are not sent', async () => {
    const files = Array.from({ length: 40 }, (_, i) => ({ name: `static/f${String(i).padStart(2, '0')}.css`, data: Buffer.from('x'), mode: 0o644 }));
    const layout = new ReleaseLayout({ service: 'goapp', sudo: '' });
    const sessions = new Map<string, RecordingSession>();
    const ex = executor({ dirs: ['static'], files, bytes: 40 }, layout, sessions, `${layout.stagingDir('r1')}/static/f02.css`);
    try {
      await assert.rejects(ex.upload('i-1'), /Uploading static\/f02\.css failed: Failure \(disk full\)/);
    } finally {
      await ex.close();
    }
    const written = sessions.get('i-1')?.channels[0].length ?? 0;
    assert.ok(written < 1 + files.length - 20, `${written} writes: the queue stopped`);
    assert.equal(sessions.get('i-1')?.commands.length, 1, 'nothing was installed');
  });

  it('one SFTP channel per host, the folders made with the staging dir, the same bytes (read once) to every host', async () => {
    const shipped: ShippedFiles = {
      dirs: ['static', 'templates', 'templates/partials'],
      files: [
        { name: 'templates/index.html', data: Buffer.from('<h1/>'), mode: 0o644 },
        { name: 'templates/partials/nav.html', data: Buffer.from('<nav/>'), mode: 0o644 },
        { name: 'static/run.sh', data: Buffer.from('#!/bin/sh'), mode: 0o755 },
      ],
      bytes: 20,
    };
    const sessions = new Map<string, RecordingSession>();
    const layout = new ReleaseLayout({ service: 'goapp', sudo: '' });
    const ex = executor(shipped, layout, sessions);
    try {
      await Promise.all(['i-1', 'i-2'].map((id) => ex.upload(id)));
    } finally {
      await ex.close();
    }
    const staging = layout.stagingDir('r1');
    for (const s of sessions.values()) {
      assert.equal(s.channels.length, 1, 'one SFTP channel');
      assert.match(s.commands[0], new RegExp(`mkdir -p -- ${staging}/static ${staging}/templates ${staging}/templates/partials$`));
      const [binary, ...files] = s.channels[0];
      assert.equal(binary.remote, `${staging}/goapp.gz`);
      assert.deepEqual(files.map((f) => [f.remote, f.mode?.toString(8)]).sort(), [[`${staging}/static/run.sh`, '755'], [`${staging}/templates/index.html`, '644'], [`${staging}/templates/partials/nav.html`, '644']]);
      for (const f of files) assert.ok(shipped.files.some((x) => x.data === f.data), `${f.remote}: the collected buffer itself, not a new read`);
    }
    assert.equal(sessions.size, 2);
  });
});
