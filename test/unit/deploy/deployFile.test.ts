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
    for (const section of ['build', 'health', 'strategy', 'releases', 'loadBalancer']) assert.deepEqual(keysOf(schema.properties[section]), [...KNOWN_KEYS[section]].sort(), section);
    assert.deepEqual(keysOf(schema.properties.instances.items), [...KNOWN_KEYS['instances[]']].sort());
    assert.equal(schema.properties.releases.properties.keep.default, DEFAULTS.keepReleases);
    assert.equal(schema.properties.health.properties.path.default, DEFAULTS.healthPath);
    assert.equal(schema.properties.statusCommand.default, DEFAULTS.statusCommand);
  });

  describe('loadBalancer', () => {
    const TG_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/goapp-blue/0123456789abcdef';
    const TG2_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/goapp-green/fedcba9876543210';
    const LISTENER = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/goapp/0123456789abcdef/1111222233334444';

    it('names one target group by name (region: the instances\') or by ARN (region: the ARN\'s)', () => {
      assert.deepEqual(ok(`${minimal}loadBalancer:\n  targetGroup: goapp-tg\n`).loadBalancer, { region: 'eu-west-1', targetGroup: 'goapp-tg' });
      const usEast = TG_ARN.replace('eu-west-1', 'us-east-1');
      assert.deepEqual(ok(`${minimal}loadBalancer:\n  targetGroup: ${usEast}\n`).loadBalancer, { region: 'us-east-1', targetGroup: usEast });
      assert.equal(ok(minimal).loadBalancer, undefined, 'no load balancer: none in the description');
    });

    it('names a listener with its two target groups (the Blue/Green and weighted Canary shape)', () => {
      const f = ok(`${minimal}loadBalancer:\n  listener: ${LISTENER}\n  targetGroups: [${TG_ARN}, goapp-green]\n`);
      assert.deepEqual(f.loadBalancer, { region: 'eu-west-1', listener: LISTENER, targetGroups: [TG_ARN, 'goapp-green'] });
    });

    it('says where a wrong load balancer is (line and column) and what would be right', () => {
      const at = (text: string) => problems(`${minimal}${text}`).map((x) => `${x.line}:${x.column} ${x.message}`);
      assert.match(at('loadBalancer:\n  targetGroup: -bad_name\n')[0], /^8:16 "loadBalancer\.targetGroup" must be a target group's ARN .* or its name/);
      assert.match(at('loadBalancer:\n  listener: nope\n  targetGroups: [a]\n')[0], /^8:13 "loadBalancer\.listener" must be a listener's ARN/);
      assert.match(at('loadBalancer:\n  listener: nope\n  targetGroups: [a]\n')[1], /^9:17 "loadBalancer\.targetGroups" must list the listener's two target groups/);
      assert.match(at(`loadBalancer:\n  listener: ${LISTENER}\n  targetGroups: [a, a]\n`)[0], /^9:21 "loadBalancer\.targetGroups" must name two different groups/);
      assert.match(at(`loadBalancer:\n  targetGroup: a\n  listener: ${LISTENER}\n`)[0], /^8:3 "loadBalancer" needs either "targetGroup" or "listener"/);
      assert.match(at('loadBalancer:\n  targetGroup: a\n  weights: [1]\n')[0], /^9:12 Unknown key "loadBalancer\.weights"/);
      assert.match(at(`loadBalancer:\n  targetGroup: ${TG_ARN.replace('eu-west-1', 'us-east-1')}\n  region: eu-west-1\n`)[0], /^8:3 "loadBalancer" names more than one region \(us-east-1, eu-west-1\)/);
      assert.match(at('loadBalancer: goapp-tg\n')[0], /^7:15 "loadBalancer" must be a mapping/);
      assert.deepEqual(ok(`${minimal}loadBalancer:\n  listener: ${LISTENER}\n  targetGroups: [${TG_ARN}, ${TG2_ARN}]\n`).loadBalancer?.region, 'eu-west-1', 'two ARNs of the listener\'s region');
    });

    it('strategy.max5xx: the weighted Canary\'s CloudWatch 5xx limit, only behind a listener, a whole number', () => {
      const lb = `loadBalancer:\n  listener: ${LISTENER}\n  targetGroups: [goapp-blue, goapp-green]\n`;
      const canary = (extra: string) => `${minimal}strategy:\n  kind: canary\n  bakeSeconds: 120\n${extra}`;
      const f = ok(canary(`  max5xx: 3\n${lb}`));
      assert.equal(f.strategy.kind === 'canary' ? f.strategy.max5xx : -1, 3);
      const unset = ok(canary(lb));
      assert.equal(unset.strategy.kind === 'canary' && 'max5xx' in unset.strategy, false, 'unset: no CloudWatch check');
      assert.match(problems(canary('  max5xx: 3\n'))[0].message, /"strategy\.max5xx" reads the canary target group's 5xx count from CloudWatch: "loadBalancer" needs "listener"/);
      assert.match(problems(canary(`  max5xx: -1\n${lb}`))[0].message, /"strategy\.max5xx" must be a whole number from 0 to 1000000/);
      assert.match(problems(`${minimal}strategy:\n  kind: rolling\n  max5xx: 0\n${lb}`)[0].message, /"strategy\.max5xx" does not apply to the rolling strategy/);
      assert.match(deployFileText({ ...f, buildPackage: '.' }), /\n  max5xx: 3\n/, 'the written file keeps it');
    });

    it('with instances in two regions, a group by name needs a region', () => {
      const two = `${minimal}  - region: us-east-1\n    ids: [i-0123456789abcdef0]\nloadBalancer:\n  targetGroup: goapp-tg\n`;
      assert.match(problems(two)[0].message, /"loadBalancer" needs a "region": the instances are in more than one region/);
      assert.deepEqual(ok(`${two}  region: us-east-1\n`).loadBalancer, { region: 'us-east-1', targetGroup: 'goapp-tg' });
    });
  });
});
