import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findGo, goArchOf, goBuildCommand, goMissingMessage, parseGoErrors, planArchitectures, releaseName, versionFrom } from '../../../src/core/deploy/build';

const fixture = fs.readFileSync(path.resolve(__dirname, '../../../../test/fixtures/deploy/go-build-errors.txt'), 'utf8');

describe('deploy build (go build)', () => {
  it('maps EC2 architectures to GOARCH and builds once per architecture', () => {
    assert.equal(goArchOf('x86_64'), 'amd64');
    assert.equal(goArchOf('arm64'), 'arm64');
    assert.equal(goArchOf('i386'), undefined);
    const plan = planArchitectures([
      { instanceId: 'i-1', architecture: 'x86_64' },
      { instanceId: 'i-2', architecture: 'arm64' },
      { instanceId: 'i-3', architecture: 'x86_64' },
    ]);
    assert.ok(plan.ok);
    assert.deepEqual([...plan.byArch], [['amd64', ['i-1', 'i-3']], ['arm64', ['i-2']]]);
    const bad = planArchitectures([{ instanceId: 'i-4', architecture: 'x86_64_mac' }, { instanceId: 'i-5' }]);
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.message, /i-4 \(x86_64_mac\), i-5 \(\?\)/);
  });

  it('builds the command as argv and environment: static, Linux, trimmed, version stamped', () => {
    const cmd = goBuildCommand({ go: '/usr/bin/go', cwd: '/src/app', package: 'cmd/server', arch: 'arm64', outFile: '/tmp/out/app-arm64', version: 'v1.2.0-3-gabc1234', versionVariable: 'main.version', env: { PATH: '/usr/bin', CGO_ENABLED: '1' } });
    assert.deepEqual(cmd.args, ['build', '-trimpath', '-ldflags', '-s -w -X main.version=v1.2.0-3-gabc1234', '-o', '/tmp/out/app-arm64', './cmd/server']);
    assert.deepEqual(cmd.env, { PATH: '/usr/bin', CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'arm64' });
    assert.equal(cmd.cwd, '/src/app');
    assert.equal(goBuildCommand({ go: 'go', cwd: '/a', package: '.', arch: 'amd64', outFile: 'o', version: 'dev', versionVariable: 'main.version' }).args.at(-1), '.');
  });

  it('stamps git describe, or dev outside git; release names sort by time and are path-safe', () => {
    assert.equal(versionFrom('v1.2.0-3-gabc1234-dirty\n'), 'v1.2.0-3-gabc1234-dirty');
    assert.equal(versionFrom(''), 'dev');
    assert.equal(versionFrom('feature/x y'), 'feature-x-y');
    const a = releaseName('v1', new Date('2026-12-01T23:05:09.123Z'));
    assert.equal(a, '20261201T230509Z-v1');
    assert.ok(releaseName('v0', new Date('2026-12-02T00:00:00Z')) > a);
    assert.match(releaseName('a;rm -rf /'), /^[0-9TZ]+-a-rm--rf--$/);
  });

  it('turns the compiler output into diagnostics (file:line:col), continuation lines kept', () => {
    const d = parseGoErrors(fixture, '/src/app');
    assert.deepEqual(d.slice(0, 4), [
      { file: '/src/app/main.go', line: 6, column: 2, message: 'x declared but not used' },
      { file: '/src/app/main.go', line: 7, column: 14, message: 'undefined: y' },
      { file: '/src/app/internal/db/db.go', line: 8, column: 17, message: 'cannot use 3 (untyped int constant) as string value in variable declaration' },
      { file: '/src/app/handlers.go', line: 40, message: 'missing return' },
    ]);
    assert.equal(d[4].message, 'cannot use s (variable of type string) as int value in argument to f:\nneed int');
    assert.equal(d.length, 5, 'the "# package" header and go: lines are not diagnostics');
  });

  it('without go on PATH: none found, and the message says how to get it', async () => {
    assert.equal(await findGo({ PATH: '/nonexistent' }), undefined);
    assert.match(goMissingMessage(), /not on PATH.*go\.dev\/dl.*apt-get install golang-go/s);
  });
});
