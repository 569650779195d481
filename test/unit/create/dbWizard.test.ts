import * as assert from 'node:assert/strict';
import { runDbWizard, type DbCreateContext, type Prompter, type PrepareDbRequest, type WizardItem } from '../../../src/core/aws/create';
import { CancelledError } from '../../../src/core/errors';
import { REGION, VPC, baseGroups, instance } from '../link/builders';
import { context } from './builders';

/** Answers each question with the next scripted label (or input text); records what was asked. */
function scripted(answers: (string | undefined)[]): Prompter & { asked: string[]; offered: Record<string, string[]>; validate?: (v: string) => string | undefined } {
  const queue = [...answers];
  const p = {
    asked: [] as string[],
    offered: {} as Record<string, string[]>,
    validate: undefined as ((v: string) => string | undefined) | undefined,
    async pick<T>(title: string, items: readonly WizardItem<T>[]) {
      p.asked.push(title);
      p.offered[title] = items.map((i) => i.label);
      const want = queue.shift();
      if (want === undefined) return undefined;
      const item = items.find((i) => i.label === want);
      assert.ok(item, `"${want}" is not offered for ${title}: ${items.map((i) => i.label).join(', ')}`);
      return item.value;
    },
    async input(title: string, options: { validate: (v: string) => string | undefined }) {
      p.asked.push(title);
      p.validate = options.validate;
      return queue.shift();
    },
  };
  return p;
}

function prepared(over: Partial<DbCreateContext> = {}) {
  const requests: PrepareDbRequest[] = [];
  return { requests, prepare: async (r: PrepareDbRequest) => (requests.push(r), context({ ...over, engine: r.engine })) };
}

describe('create: the Create RDS Database wizard, with scripted answers', () => {
  it('asks engine, place, version, class, password and identifier, and plans the link', async () => {
    const p = scripted(['MySQL', 'Link to web', '8.0.41', 'db.t4g.micro', 'Managed by RDS in Secrets Manager', 'shop-db']);
    const { requests, prepare } = prepared({ vpcGroups: baseGroups(), instance: instance() });
    const { plan } = await runDbWizard(p, { region: REGION, instances: [instance(), instance({ id: 'i-gone', name: 'gone', state: 'terminated' })], vpcIds: [VPC], prepare });
    assert.deepEqual(p.asked, ['Database engine', 'Where the database goes', 'mysql version', 'Instance class', 'Master password', 'Database identifier']);
    assert.deepEqual(p.offered['Where the database goes'], ['Link to web', 'No link, in vpc-main'], 'a terminated instance is not offered');
    assert.deepEqual(p.offered['Instance class'].slice(0, 1), ['db.t4g.micro'], 'the default class comes first');
    assert.deepEqual(requests, [{ region: REGION, engine: 'mysql', instanceId: 'i-web' }]);
    assert.equal(plan.status, 'ready');
    assert.equal(plan.identifier, 'shop-db');
    assert.equal(plan.link?.status, 'ready');
  });

  it('re-reads the classes for another version, and offers a new subnet group beside the existing ones', async () => {
    const proposal = { name: 'rds-link-vpc-main', subnetIds: ['s1', 's2'], availabilityZones: ['a', 'b'] };
    const { requests, prepare } = prepared({ subnetGroups: { vpcId: VPC, usable: [{ name: 'app-private', vpcId: VPC, subnetIds: ['s1', 's2'], availabilityZones: ['a', 'b'] }], proposal, onlyPublic: false } });
    const p = scripted(['MariaDB', 'No link, in vpc-main', '8.4.4', 'db.t3.micro', 'Create rds-link-vpc-main', 'My own password', 'maria-1']);
    const { plan } = await runDbWizard(p, { region: REGION, instances: [], vpcIds: [VPC], prepare });
    assert.deepEqual(requests.map((r) => r.engineVersion), [undefined, '8.4.4']);
    assert.equal(plan.engine, 'mariadb');
    assert.equal(plan.subnetGroup?.kind, 'create');
    assert.equal(plan.password, 'own');
    assert.equal(plan.link, undefined);
  });

  it('refuses bad and taken identifiers in the input box, before any call', async () => {
    const p = scripted(['MySQL', 'No link, in vpc-main', '8.0.41', 'db.t4g.micro', 'Managed by RDS in Secrets Manager', 'ok-db']);
    await runDbWizard(p, { region: REGION, instances: [], vpcIds: [VPC], prepare: prepared().prepare });
    assert.match(p.validate?.('9db') ?? '', /start with a letter/);
    assert.match(p.validate?.('GoApp-DB') ?? '', /already exists/);
    assert.equal(p.validate?.('fresh-db'), undefined);
  });

  it('stops with a cancel when a question is dismissed', async () => {
    const p = scripted(['MySQL', undefined]);
    await assert.rejects(runDbWizard(p, { region: REGION, instances: [instance()], vpcIds: [VPC], prepare: prepared().prepare }), CancelledError);
  });
});
