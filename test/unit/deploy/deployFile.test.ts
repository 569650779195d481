import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULTS, deployFileText, KNOWN_KEYS, parseDeployFile, type DeployFile, type DeployFileProblem } from '../../../src/core/deploy/deployFile';

const root = path.resolve(__dirname, '../../../..');
const fixture = fs.readFileSync(path.join(root, 'test/fixtures/deploy/rds-link.deploy.yaml'), 'utf8');

function ok(text: string): DeployFile {
  const r = parseDeployFile(text);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.line}:${p.column} ${p.message}`).join('\n'));
  return r.file;
}

function problems(text: string): DeployFileProblem[] {
  const r = parseDeployFile(text);
  assert.equal(r.ok, false, 'expected problems');
  return r.ok ? [] : [...r.problems];
}

const minimal = 'version: 1\nservice: goapp\nport: 8080\ninstances:\n  - region: eu-west-1\n    tag: App=goapp\n';

describe('deploy file (rds-link.deploy.yaml)', () => {
  it('reads the fixture, every field', () => {
    assert.deepEqual(ok(fixture), {
      version: 1,
      service: 'goapp',
      build: { package: '.', versionVariable: 'main.version' },
      port: 8080,
      health: { path: '/healthz', timeoutSeconds: 5, retries: 10, intervalSeconds: 1 },
      instances: [
        { region: 'eu-west-1', tag: { key: 'App', value: 'goapp' } },
        { region: 'us-east-1', ids: ['i-0123456789abcdef0', 'i-0fedcba987654321f'] },
      ],
      files: ['config.yaml', 'templates/'],
      strategy: { kind: 'canary', canary: { count: 1 }, bakeSeconds: 30, batch: { percent: 50 }, onFailure: 'keep' },
      keepReleases: 3,
      restartCommand: 'systemctl restart {service}',
      statusCommand: 'systemctl is-active {service}',
    });
  });

  it('fills the defaults of a minimal file (rolling one at a time, 5 releases, /healthz, roll back on failure)', () => {
    const f = ok(minimal);
    assert.deepEqual(f.strategy, { kind: 'rolling', batch: { count: 1 }, onFailure: 'rollback' });
    assert.equal(f.keepReleases, DEFAULTS.keepReleases);
    assert.equal(f.health.path, '/healthz');
  });

  it('reads the same shape written as JSON', () => {
    const json = JSON.stringify({ version: 1, service: 'goapp', port: 8080, instances: [{ region: 'eu-west-1', ids: ['i-0123456789abcdef0'] }], strategy: { kind: 'bigBang' } });
    assert.deepEqual(ok(json).strategy, { kind: 'bigBang', onFailure: 'rollback' });
  });

  it('refuses secrets, at any depth, with the line of the key', () => {
    const p = problems(`${minimal}health:\n  path: /healthz\n  password: hunter2\nrestartCommand: "DB_PASSWORD=x systemctl restart goapp"\n`);
    assert.deepEqual(p.map((x) => x.line), [9, 10]);
    assert.match(p[0].message, /"health\.password" looks like a secret/);
    const v = problems(`${minimal}files:\n  - "goapp:s3cret@tcp(db.example.com:3306)/app"\n`);
    assert.equal(v[0].line, 8);
    assert.match(v[0].message, /looks like a secret/);
    for (const key of ['apiKey', 'db_password', 'secretAccessKey', 'token', 'dsn']) {
      assert.match(problems(`${minimal}${key}: x\n`)[0].message, /looks like a secret/, key);
    }
  });

  it('says where each mistake is (line and column) and what would be right', () => {
    const text = ['version: 1', 'service: Go App', 'port: 80800', 'instances:', '  - region: europe', '    ids: [i-123]', 'strategy:', '  kind: rolling', '  batch: 0', '  bakeSeconds: 5', 'colour: blue', ''].join('\n');
    const p = problems(text);
    const at = (re: RegExp) => p.find((x) => re.test(x.message));
    assert.deepEqual([at(/"service" must be/)?.line, at(/"service" must be/)?.column], [2, 10]);
    assert.equal(at(/"port" must be a whole number from 1 to 65535/)?.line, 3);
    assert.equal(at(/not an AWS region/)?.line, 5);
    assert.equal(at(/must list instance ids/)?.line, 6);
    assert.equal(at(/"strategy\.batch" must be a number of instances/)?.line, 9);
    assert.equal(at(/"strategy\.bakeSeconds" does not apply to the rolling strategy/)?.line, 10);
    assert.equal(at(/Unknown key "colour"/)?.line, 11);
    assert.deepEqual(p.map((x) => x.line), [...p.map((x) => x.line)].sort((a, b) => a - b), 'sorted by position');
  });

  it('reports YAML syntax errors with their line, and a missing field at the top', () => {
    const syntax = problems('version: 1\nservice: [goapp\nport: 8080\n');
    assert.match(syntax[0].message, /not valid YAML/);
    assert.ok(syntax[0].line >= 2);
    const missing = problems('version: 1\nservice: goapp\n');
    assert.ok(missing.some((x) => /"port" is missing/.test(x.message)));
    assert.ok(missing.some((x) => /"instances" must list/.test(x.message)));
    assert.match(problems('version: 1\nservice: goapp\nservice: other\n')[0].message, /not valid YAML/);
  });

  it('keeps shipped files and the package inside the project', () => {
    assert.match(problems(`${minimal}files: [../secrets.txt]\n`)[0].message, /inside the project/);
    assert.match(problems(`${minimal}files: [/etc/passwd]\n`)[0].message, /inside the project/);
    assert.match(problems(`${minimal}build:\n  package: ../other\n`)[0].message, /inside the project/);
  });

  it('what the guided first deploy writes reads back as the same description', () => {
    const f = ok(fixture);
    const again = ok(deployFileText({ ...f, buildPackage: f.build.package, healthPath: f.health.path }));
    assert.deepEqual({ ...again, health: f.health, keepReleases: f.keepReleases }, f);
  });

  it('a restartCommand that is not systemctl needs its own statusCommand (the health gate asks whether the service is active)', () => {
    const custom = `${minimal}restartCommand: "supervisorctl restart {service}"\n`;
    const p = problems(custom);
    assert.equal(p.length, 1);
    assert.match(p[0].message, /"restartCommand" does not use systemctl: set "statusCommand" too/);
    assert.equal(p[0].line, 7);
    const f = ok(`${custom}statusCommand: "supervisorctl status {service} | grep -q RUNNING"\n`);
    assert.equal(f.statusCommand, 'supervisorctl status {service} | grep -q RUNNING');
    assert.equal(ok(`${minimal}restartCommand: "systemctl try-restart {service}"\n`).statusCommand, DEFAULTS.statusCommand);
  });

  it('the JSON schema (schemas/deploy.schema.json) has exactly the keys the parser knows', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(root, 'schemas/deploy.schema.json'), 'utf8'));
    const keysOf = (node: { properties?: object }) => Object.keys(node.properties ?? {}).sort();
    assert.deepEqual(keysOf(schema), [...KNOWN_KEYS['']].sort());
    for (const section of ['build', 'health', 'strategy', 'releases']) assert.deepEqual(keysOf(schema.properties[section]), [...KNOWN_KEYS[section]].sort(), section);
    assert.deepEqual(keysOf(schema.properties.instances.items), [...KNOWN_KEYS['instances[]']].sort());
    assert.equal(schema.properties.releases.properties.keep.default, DEFAULTS.keepReleases);
    assert.equal(schema.properties.health.properties.path.default, DEFAULTS.healthPath);
    assert.equal(schema.properties.statusCommand.default, DEFAULTS.statusCommand);
  });
});
