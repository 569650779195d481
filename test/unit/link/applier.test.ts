import * as assert from 'node:assert/strict';
import { isCancellation } from '../../../src/core/errors';
import {
  ApplyCancelledError,
  ApplyFailedError,
  DryRunFailedError,
  PlanNotApplicableError,
  applyPlan,
  dryRunPlan,
  type ApplyOptions,
  type Progress,
} from '../../../src/core/aws/link/applier';
import { findLinks } from '../../../src/core/aws/link/links';
import { planLink } from '../../../src/core/aws/link/planner';
import { prepareLink, prepareUnlink } from '../../../src/core/aws/link/service';
import type { DbTarget, LinkApi } from '../../../src/core/aws/link/types';
import { auroraCluster, baseGroups, consolePair, db, eni, instance, world, type World } from './builders';
import { AwsError, FakeAws, type FaultKind } from './fakeAws';

const APPDB: DbTarget = { kind: 'instance', id: 'appdb' };
/** No real waiting in unit tests. */
const fast: ApplyOptions = { deleteRetryDelaysMs: [0, 0, 0], consistencyRetryDelaysMs: [0, 0, 0], sleep: async () => undefined };

async function link(aws: FakeAws, dbTarget: DbTarget = APPDB, options: ApplyOptions = {}) {
  const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: dbTarget });
  return { plan, result: await applyPlan(plan, aws, { ...fast, ...options }) };
}

async function unlink(aws: FakeAws, options: ApplyOptions = {}) {
  const links = await currentLinks(aws);
  const l = links.find((x) => x.instance.id === 'i-web');
  assert.ok(l, 'i-web is linked');
  const { plan } = await prepareUnlink(aws, l);
  return { plan, result: await applyPlan(plan, aws, { ...fast, ...options }) };
}

async function currentLinks(aws: LinkApi) {
  const inst = await aws.describeInstance('i-web');
  const others = (await aws.describeInstance('i-api')) ?? undefined;
  return findLinks([inst, others].filter((i) => i !== undefined), await aws.describeDatabases(), await aws.describeSecurityGroups({}));
}

async function expectApplyFailure(promise: Promise<unknown>): Promise<ApplyFailedError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ApplyFailedError, `expected ApplyFailedError, got ${String(err)}`);
    return err;
  }
  assert.fail('the apply should have failed');
}

/** What "AWS is back as it was" means, spelled out (the snapshot compares all of it too). */
function assertNoTrace(aws: FakeAws, initial: unknown): void {
  assert.equal(aws.groupByName('ec2-rds-1'), undefined, 'no orphan ec2-rds-1');
  assert.equal(aws.groupByName('rds-ec2-1'), undefined, 'no orphan rds-ec2-1');
  assert.deepEqual(aws.interfaceGroups('eni-web'), ['sg-web'], 'no dangling attachment on the instance');
  assert.deepEqual(aws.databaseGroups(APPDB), ['sg-db'], 'no dangling attachment on the DB');
  assert.deepEqual(aws.snapshot(), initial);
}

describe('applyPlan: link', () => {
  it('creates the pair exactly as the console does, after dry-running every EC2 mutation', async () => {
    const aws = FakeAws.from(world());
    const { result } = await link(aws);
    assert.equal(result.status, 'applied');
    const ec2 = aws.groupByName('ec2-rds-1');
    const rds = aws.groupByName('rds-ec2-1');
    assert.ok(ec2 && rds);
    assert.deepEqual(result.createdGroups, { ec2: ec2.id, rds: rds.id });
    assert.deepEqual(ec2.tags, { 'rds-link:created-by': 'rds-link' });
    assert.deepEqual(ec2.ingress, []);
    assert.deepEqual(ec2.egress, [
      { protocol: 'tcp', fromPort: 3306, toPort: 3306, peerGroupId: rds.id, cidrs: [], ipv6Cidrs: [], prefixListIds: [], description: 'Rule to allow connections to appdb from any instances this security group is attached to' },
    ]);
    assert.deepEqual(rds.egress, []);
    assert.deepEqual(rds.ingress, [
      { protocol: 'tcp', fromPort: 3306, toPort: 3306, peerGroupId: ec2.id, cidrs: [], ipv6Cidrs: [], prefixListIds: [], description: `Rule to allow connections from EC2 instances with ${ec2.id} attached` },
    ]);
    assert.deepEqual(aws.interfaceGroups('eni-web'), ['sg-web', ec2.id]);
    assert.deepEqual(aws.databaseGroups(APPDB), ['sg-db', rds.id]);

    const calls = aws.calls.filter((c) => !c.method.startsWith('describe'));
    const firstReal = calls.findIndex((c) => !c.dryRun);
    assert.deepEqual(calls.slice(0, firstReal).map((c) => c.method).sort(), ['authorizeRules', 'authorizeRules', 'createSecurityGroup', 'createSecurityGroup', 'revokeRules', 'revokeRules', 'setInterfaceGroups']);
    assert.deepEqual(aws.mutations().map((c) => c.method), ['createSecurityGroup', 'createSecurityGroup', 'revokeRules', 'revokeRules', 'authorizeRules', 'authorizeRules', 'setInterfaceGroups', 'setDatabaseGroups']);

    const [found] = await currentLinks(aws);
    assert.equal(found.createdBy, 'rds-link');
    assert.equal(found.ec2Group.name, 'ec2-rds-1');
  });

  it('linking again changes nothing: already linked, no mutation, no dry run', async () => {
    const aws = FakeAws.from(world());
    await link(aws);
    const before = aws.mutations().length;
    const { plan, result } = await link(aws);
    assert.equal(plan.status, 'alreadyLinked');
    assert.equal(result.status, 'unchanged');
    assert.equal(result.calls, 0);
    assert.equal(aws.mutations().length, before);
  });

  it('link then unlink leaves AWS exactly as it was', async () => {
    const aws = FakeAws.from(world());
    const initial = aws.snapshot();
    await link(aws);
    const { plan, result } = await unlink(aws);
    assert.equal(plan.status, 'ready');
    assert.equal(result.deletedGroupIds.length, 2);
    assertNoTrace(aws, initial);
  });

  it('attaches an unattached valid ec2-rds-N in one call', async () => {
    const pair = consolePair(1);
    const aws = FakeAws.from(world({ groups: [...baseGroups(), ...pair], databases: [db({ securityGroupIds: ['sg-db', pair[1].id] })] }));
    const { plan } = await link(aws);
    assert.deepEqual(plan.reusedGroupIds, [pair[0].id, pair[1].id]);
    assert.deepEqual(aws.mutations().map((c) => c.method), ['setInterfaceGroups']);
    assert.deepEqual(aws.interfaceGroups('eni-web'), ['sg-web', pair[0].id]);
    assert.equal((await currentLinks(aws))[0].createdBy, 'console');
  });

  it('links an Aurora cluster through ModifyDBCluster', async () => {
    const cluster = auroraCluster({ securityGroupIds: ['sg-db'] });
    const member = db({ id: 'aurora1-a', engine: 'aurora-mysql', clusterId: 'aurora1', securityGroupIds: ['sg-db'] });
    const aws = FakeAws.from(world({ databases: [cluster, member] }));
    // Picked from the member's node: the cluster is what changes.
    await link(aws, { kind: 'instance', id: 'aurora1-a' });
    const rds = aws.groupByName('rds-ec2-1');
    assert.ok(rds);
    assert.deepEqual(aws.databaseGroups({ kind: 'cluster', id: 'aurora1' }), ['sg-db', rds.id]);
    assert.deepEqual((await aws.describeDatabase({ kind: 'instance', id: 'aurora1-a' }))?.securityGroupIds, ['sg-db', rds.id]);
    assert.match(rds.description, /attached to aurora1 to allow/);
  });

  it('retries while AWS does not see a new group yet (eventual consistency)', async () => {
    const aws = FakeAws.from(world());
    aws.invisibleCalls = 3;
    const { result } = await link(aws);
    assert.equal(result.status, 'applied');
    // 7 dry runs, 1 describe, 8 steps, and the retries of calls that did not see a new group yet.
    assert.ok(result.calls > 16, `retried: ${result.calls} calls`);
    assert.equal((await currentLinks(aws)).length, 1);
  });

  it('refuses to apply a refused plan, calling nothing', async () => {
    const aws = FakeAws.from(world());
    const plan = planLink({ instance: instance({ state: 'terminated' }), db: db(), groups: baseGroups() });
    await assert.rejects(applyPlan(plan, aws, fast), PlanNotApplicableError);
    assert.equal(aws.calls.length, 0);
  });

  it('reports progress: the dry run, then each step', async () => {
    const aws = FakeAws.from(world());
    const seen: Progress[] = [];
    await link(aws, APPDB, { onProgress: (p) => seen.push(p) });
    assert.deepEqual(seen.map((p) => `${p.phase}:${p.step}/${p.total}`), ['dryRun:0/8', ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `apply:${i}/8`)]);
    assert.match(seen[1].message, /Create security group ec2-rds-1/);
  });
});

describe('dryRunPlan', () => {
  it('checks every EC2 mutation, with a stand-in for groups not created yet; RDS is not checkable', async () => {
    const aws = FakeAws.from(world());
    const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
    const report = await dryRunPlan(plan, aws);
    assert.ok(report.ok);
    assert.equal(report.calls, 7);
    assert.deepEqual(report.checks.map((c) => `${c.step.kind}:${c.outcome}${c.standIn ? '*' : ''}`), [
      'createGroup:allowed',
      'createGroup:allowed',
      'revokeDefaultEgress:allowed*',
      'revokeDefaultEgress:allowed*',
      'authorizeRule:allowed*',
      'authorizeRule:allowed*',
      'setInterfaceGroups:allowed*',
      'setDatabaseGroups:notChecked',
    ]);
    const dry = aws.calls.filter((c) => c.dryRun);
    assert.ok(dry.filter((c) => c.method === 'authorizeRules').every((c) => c.args[1] === 'sg-web'), 'the stand-in is a group the instance already has');
    assert.deepEqual(dry.find((c) => c.method === 'setInterfaceGroups')?.args, ['eni-web', ['sg-web']]);
    assert.equal(aws.mutations().length, 0);
  });

  const ec2Actions = [
    'ec2:CreateSecurityGroup',
    'ec2:RevokeSecurityGroupEgress',
    'ec2:AuthorizeSecurityGroupEgress',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:ModifyNetworkInterfaceAttribute',
  ];
  for (const action of ec2Actions) {
    it(`names a missing ${action} and changes nothing`, async () => {
      const aws = FakeAws.from(world());
      const initial = aws.snapshot();
      aws.denied.add(action);
      const err = await link(aws).then(
        () => assert.fail('should fail'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof DryRunFailedError);
      assert.ok(err.missingPermissions.includes(action));
      assert.match(err.message, new RegExp(action));
      assert.equal(aws.mutations().length, 0);
      assert.deepEqual(aws.snapshot(), initial);
    });
  }

  it('a missing rds:ModifyDBInstance shows only when the step runs: named, and rolled back', async () => {
    const aws = FakeAws.from(world());
    const initial = aws.snapshot();
    aws.denied.add('rds:ModifyDBInstance');
    const err = await expectApplyFailure(link(aws));
    assert.equal(err.step.kind, 'setDatabaseGroups');
    assert.match(err.message, /rds:ModifyDBInstance/);
    assert.ok(err.rollback.complete);
    assertNoTrace(aws, initial);
  });

  it('catches a stale plan: a group took the planned name meanwhile (InvalidGroup.Duplicate)', async () => {
    const aws = FakeAws.from(world());
    const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
    aws.addGroup({ ...baseGroups()[0], id: 'sg-someone', name: 'ec2-rds-1' });
    const initial = aws.snapshot();
    // The fake's dry run does not look at names (as AWS's may not): the apply fails and rolls back.
    const err = await expectApplyFailure(applyPlan(plan, aws, fast));
    assert.equal(err.stepIndex, 0);
    assert.match(err.message, /already exists/);
    assert.deepEqual(aws.snapshot(), initial);
  });

  it('a dry run that AWS answers with a NotFound on a real id fails the dry run', async () => {
    const aws = FakeAws.from(world());
    const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
    const gone = { ...plan, steps: plan.steps.map((s) => (s.kind === 'setInterfaceGroups' ? { ...s, interfaceId: 'eni-gone', next: s.next.filter((r) => r.kind === 'existing') } : s)) };
    const report = await dryRunPlan(gone, aws);
    assert.equal(report.ok, false);
    assert.match(report.problems.join(), /eni-gone/);
    await assert.rejects(applyPlan(gone, aws, fast), DryRunFailedError);
    assert.equal(aws.mutations().length, 0);
  });
});

describe('fault injection: every failing step leaves AWS as it was', () => {
  const kinds: FaultKind[] = ['rejected', 'lost', 'unavailable'];
  const fresh = planLink({ instance: instance(), db: db(), groups: baseGroups() });

  for (const [index, step] of fresh.steps.entries()) {
    for (const kind of kinds) {
      it(`fresh link, step ${index + 1} (${step.kind}) ${kind}`, async () => {
        const aws = FakeAws.from(world());
        const initial = aws.snapshot();
        const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
        aws.failStep(plan, index, kind);
        const err = await expectApplyFailure(applyPlan(plan, aws, fast));
        assert.equal(err.stepIndex, index);
        assert.ok(err.rollback.complete, err.message);
        assert.deepEqual(err.rollback.leftovers, []);
        assert.match(err.message, new RegExp(`Step ${index + 1} of 8 failed`));
        assertNoTrace(aws, initial);
      });
    }
  }

  for (const kind of kinds) {
    it(`reused pair, attaching ec2-rds-N ${kind}`, async () => {
      const pair = consolePair(1);
      const aws = FakeAws.from(world({ groups: [...baseGroups(), ...pair], databases: [db({ securityGroupIds: ['sg-db', pair[1].id] })] }));
      const initial = aws.snapshot();
      aws.failOn('setInterfaceGroups', { kind });
      const err = await expectApplyFailure(link(aws));
      assert.ok(err.rollback.complete);
      assert.deepEqual(aws.snapshot(), initial);
    });
  }

  const unlinkSteps = ['setInterfaceGroups', 'setDatabaseGroups', 'revokeRule', 'revokeRule'];
  for (const [index, kindOfStep] of unlinkSteps.entries()) {
    for (const kind of kinds) {
      it(`unlink, step ${index + 1} (${kindOfStep}) ${kind}: the link is back as it was`, async () => {
        const aws = FakeAws.from(world());
        await link(aws);
        const linked = aws.snapshot();
        const links = await currentLinks(aws);
        const { plan } = await prepareUnlink(aws, links[0]);
        assert.equal(plan.steps[index].kind, kindOfStep);
        aws.failStep(plan, index, kind);
        const err = await expectApplyFailure(applyPlan(plan, aws, fast));
        assert.ok(err.rollback.complete, err.message);
        assert.deepEqual(aws.snapshot(), linked);
        assert.equal((await currentLinks(aws)).length, 1);
      });
    }
  }

  for (const which of [4, 5]) {
    it(`unlink, step ${which + 1} (deleteGroup) refused: the link is gone, the group kept and reported`, async () => {
      const aws = FakeAws.from(world());
      await link(aws);
      const { plan } = await prepareUnlink(aws, (await currentLinks(aws))[0]);
      aws.failStep(plan, which, 'rejected');
      const { result } = { result: await applyPlan(plan, aws, fast) };
      assert.equal(result.status, 'applied');
      assert.equal(result.keptGroups.length, 1);
      assert.equal(result.deletedGroupIds.length, 1);
      assert.deepEqual(await currentLinks(aws), []);
      const keptGroup = aws.group(result.keptGroups[0].id);
      assert.ok(keptGroup);
      assert.deepEqual([keptGroup.ingress, keptGroup.egress], [[], []], 'the kept group holds no rule');
      assert.deepEqual(aws.interfaceGroups('eni-web'), ['sg-web']);
      assert.deepEqual(aws.databaseGroups(APPDB), ['sg-db']);
    });
  }

  it('a rollback that cannot finish says what was left behind', async () => {
    const aws = FakeAws.from(world());
    const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
    aws.failOn('setDatabaseGroups');
    aws.failOn('deleteSecurityGroup', { times: Infinity });
    const err = await expectApplyFailure(applyPlan(plan, aws, fast));
    assert.equal(err.rollback.complete, false);
    assert.equal(err.rollback.failures.length, 2);
    assert.match(err.rollback.leftovers.join(), /ec2-rds-1.*rds-ec2-1|rds-ec2-1.*ec2-rds-1/);
    assert.match(err.message, /did not finish; left behind: security group rds-ec2-1/);
    // Everything else was undone: the instance is as it was, the rules are gone.
    assert.deepEqual(aws.interfaceGroups('eni-web'), ['sg-web']);
    assert.deepEqual(aws.groupByName('rds-ec2-1')?.ingress, []);
  });

  it('cancelling mid-way rolls back and reports a cancel, not a failure', async () => {
    const aws = FakeAws.from(world());
    const initial = aws.snapshot();
    const token = { isCancellationRequested: false };
    const err = await link(aws, APPDB, { signal: token, onProgress: (p) => (token.isCancellationRequested = p.phase === 'apply' && p.step === 5) }).then(
      () => assert.fail('should be cancelled'),
      (e: unknown) => e,
    );
    assert.ok(isCancellation(err), String(err));
    assertNoTrace(aws, initial);
  });

  it('an already aborted signal calls nothing', async () => {
    const aws = FakeAws.from(world());
    const ac = new AbortController();
    ac.abort();
    const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
    const before = aws.calls.length;
    await assert.rejects(applyPlan(plan, aws, { ...fast, signal: ac.signal }), (e: unknown) => isCancellation(e));
    assert.equal(aws.calls.length, before);
  });
});

describe('cancelling in the middle of a call: AWS as it was, and the result says so', () => {
  const fresh = planLink({ instance: instance(), db: db(), groups: baseGroups() });
  const kinds: FaultKind[] = ['cancelled', 'cancelledBeforeAws'];

  /** A cancel button the fake presses while the chosen call is in flight. */
  function cancelButton(aws: FakeAws): AbortController {
    const ac = new AbortController();
    aws.onCancel = () => ac.abort();
    return ac;
  }

  async function expectCancelled(promise: Promise<unknown>): Promise<ApplyCancelledError> {
    const err = await promise.then(() => assert.fail('the run should have been cancelled'), (e: unknown) => e);
    assert.ok(isCancellation(err), `expected a cancel (never shown as a failure), got ${String(err)}`);
    assert.ok(err instanceof ApplyCancelledError, `expected "cancelled, rolled back", got ${String(err)}`);
    return err;
  }

  for (const [index, step] of fresh.steps.entries()) {
    for (const kind of kinds) {
      it(`fresh link, cancelled during step ${index + 1} (${step.kind}), ${kind}`, async () => {
        const aws = FakeAws.from(world());
        const initial = aws.snapshot();
        const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
        const ac = cancelButton(aws);
        aws.failStep(plan, index, kind);
        const err = await expectCancelled(applyPlan(plan, aws, { ...fast, signal: ac.signal }));
        assert.equal(err.stepIndex, index);
        assert.ok(err.rollback.complete);
        assert.match(err.message, new RegExp(`^Cancelled during step ${index + 1} of 8 \\(.+\\)\\. (Rolled back \\(.+\\): AWS is as it was|Nothing had been changed)\\.$`));
        // The undo ran on calls the same cancel cannot stop: none was cut off.
        assert.deepEqual(aws.abortedCalls, []);
        assertNoTrace(aws, initial);
      });
    }
  }

  const unlinkSteps = ['setInterfaceGroups', 'setDatabaseGroups', 'revokeRule', 'revokeRule'];
  for (const [index, kindOfStep] of unlinkSteps.entries()) {
    for (const kind of kinds) {
      it(`unlink, cancelled during step ${index + 1} (${kindOfStep}), ${kind}: still linked as before`, async () => {
        const aws = FakeAws.from(world());
        await link(aws);
        const linked = aws.snapshot();
        const { plan } = await prepareUnlink(aws, (await currentLinks(aws))[0]);
        assert.equal(plan.steps[index].kind, kindOfStep);
        const ac = cancelButton(aws);
        aws.failStep(plan, index, kind);
        const err = await expectCancelled(applyPlan(plan, aws, { ...fast, signal: ac.signal }));
        assert.match(err.message, new RegExp(`^Cancelled during step ${index + 1} of 6`));
        assert.deepEqual(aws.snapshot(), linked);
        assert.equal((await currentLinks(aws)).length, 1);
      });
    }
  }

  it('unlink cancelled while a group is deleted: the deletes finish, since the link is already gone', async () => {
    const aws = FakeAws.from(world());
    await link(aws);
    const { plan } = await prepareUnlink(aws, (await currentLinks(aws))[0]);
    const ac = cancelButton(aws);
    aws.failStep(plan, 4, 'cancelled');
    const result = await applyPlan(plan, aws, { ...fast, signal: ac.signal });
    assert.ok(ac.signal.aborted);
    assert.equal(result.status, 'applied');
    assert.equal(result.deletedGroupIds.length, 2);
    assert.equal(aws.groupByName('ec2-rds-1'), undefined);
    assert.equal(aws.groupByName('rds-ec2-1'), undefined);
  });

  it('a cancel during the dry run changes nothing and says so', async () => {
    const aws = FakeAws.from(world());
    const initial = aws.snapshot();
    const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
    const ac = new AbortController();
    const err = await applyPlan(plan, aws, { ...fast, signal: ac.signal, onProgress: (p) => p.phase === 'dryRun' && ac.abort() }).then(() => assert.fail('cancelled'), (e: unknown) => e);
    assert.ok(isCancellation(err), String(err));
    assert.match((err as Error).message, /Cancelled during the dry run: nothing was changed/);
    assert.equal(aws.mutations().length, 0);
    assert.deepEqual(aws.snapshot(), initial);
  });

  it('a rollback that cannot finish after a cancel is a failure that names what is left', async () => {
    const aws = FakeAws.from(world());
    const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
    const ac = cancelButton(aws);
    aws.failStep(plan, 6, 'cancelled');
    aws.failOn('deleteSecurityGroup', { kind: 'rejected', times: Infinity });
    const err = await expectApplyFailure(applyPlan(plan, aws, { ...fast, signal: ac.signal }));
    assert.ok(err.cause instanceof Error && isCancellation(err.cause));
    assert.equal(isCancellation(err), false, 'shown: something is left in AWS');
    assert.match(err.message, /^Cancelled during step 7 of 8 .*The rollback did not finish; left behind: security group rds-ec2-1 \(sg-new\d+\); security group ec2-rds-1/);
    assert.deepEqual(aws.interfaceGroups('eni-web'), ['sg-web']);
  });

  it('cancelling the reads before a link ends the call in flight with a cancel, not a read failure', async () => {
    const aws = FakeAws.from(world());
    const ac = new AbortController();
    ac.abort();
    const err = await prepareLink(aws, { instanceId: 'i-web', db: APPDB }, { signal: ac.signal }).then(() => assert.fail('cancelled'), (e: unknown) => e);
    assert.ok(isCancellation(err), String(err));
    assert.ok(aws.abortedCalls.length > 0);
  });
});

describe('AWS semantics moto gets wrong', () => {
  it('deleting a group still on an interface or referenced by a rule is a DependencyViolation', async () => {
    const aws = FakeAws.from(world());
    await link(aws);
    const ec2 = aws.groupByName('ec2-rds-1');
    const rds = aws.groupByName('rds-ec2-1');
    assert.ok(ec2 && rds);
    await assert.rejects(aws.deleteSecurityGroup(ec2.id), { name: 'DependencyViolation' });
    await aws.setInterfaceGroups('eni-web', ['sg-web']);
    await aws.setDatabaseGroups(APPDB, ['sg-db']);
    // Detached, but the pair's rules still reference each other.
    await assert.rejects(aws.deleteSecurityGroup(ec2.id), { name: 'DependencyViolation' });
  });

  it('re-adding a rule with another description is a Duplicate', async () => {
    const aws = FakeAws.from(world());
    await link(aws);
    const ec2 = aws.groupByName('ec2-rds-1');
    const rule = ec2?.egress[0];
    assert.ok(ec2 && rule);
    await assert.rejects(aws.authorizeRules('egress', ec2.id, [{ ...rule, description: 'another text' }]), { name: 'InvalidPermission.Duplicate' });
  });

  it('unlink waits for RDS to let go of a detached group, then deletes it', async () => {
    const aws = FakeAws.from(world());
    await link(aws);
    aws.rdsReleaseLag = 2;
    const rdsId = aws.groupByName('rds-ec2-1')?.id;
    const { result } = await unlink(aws);
    assert.deepEqual(result.keptGroups, []);
    assert.equal(aws.calls.filter((c) => c.method === 'deleteSecurityGroup' && !c.dryRun && c.args[0] === rdsId).length, 3);
    assert.equal(aws.group(rdsId ?? ''), undefined);
  });

  it('unlink keeps (and reports) a group RDS holds on to for longer than the retries', async () => {
    const aws = FakeAws.from(world());
    await link(aws);
    aws.rdsReleaseLag = 10;
    const { result } = await unlink(aws);
    assert.deepEqual(result.keptGroups.map((k) => [k.name, /DependencyViolation|dependent/.test(k.reason)]), [['rds-ec2-1', true]]);
    assert.equal(aws.groupByName('ec2-rds-1'), undefined);
    assert.deepEqual(await currentLinks(aws), []);
  });

  it('a member of an Aurora cluster refuses its own group change (the cluster owns them)', async () => {
    const aws = FakeAws.from(world({ databases: [auroraCluster(), db({ id: 'aurora1-a', clusterId: 'aurora1' })] }));
    await assert.rejects(aws.setDatabaseGroups({ kind: 'instance', id: 'aurora1-a' }, ['sg-db']), { name: 'InvalidParameterCombination' });
  });

  it('an interface over its group limit is refused', async () => {
    const extra = ['sg-a', 'sg-b', 'sg-c', 'sg-d', 'sg-e'];
    const aws = FakeAws.from(world({ groups: [...baseGroups(), ...extra.map((id) => ({ ...baseGroups()[0], id, name: id }))] }));
    await assert.rejects(aws.setInterfaceGroups('eni-web', ['sg-web', ...extra]), { name: 'SecurityGroupsPerInterfaceLimitExceeded' });
    await aws.setInterfaceGroups('eni-web', ['sg-web', ...extra.slice(1)]);
  });
});

describe('a lost answer the SDK retried: the retry\'s Duplicate or NotFound is our own earlier attempt', () => {
  const fresh = planLink({ instance: instance(), db: db(), groups: baseGroups() });
  for (const [index, step] of fresh.steps.entries()) {
    it(`fresh link, step ${index + 1} (${step.kind}) done, answer lost, retried: the link completes and is valid`, async () => {
      const aws = FakeAws.from(world());
      const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
      aws.failStep(plan, index, 'lostRetried');
      const result = await applyPlan(plan, aws, fast);
      assert.equal(result.status, 'applied');
      const [l] = await currentLinks(aws);
      assert.deepEqual([l?.ec2Group.name, l?.rdsGroup.name], ['ec2-rds-1', 'rds-ec2-1']);
      assert.deepEqual(aws.group(l.ec2Group.id)?.egress.map((r) => r.peerGroupId), [l.rdsGroup.id], 'one outbound rule, the default egress gone');
      assert.equal(aws.groupByName('ec2-rds-2'), undefined, 'no second pair');
      assert.deepEqual(result.createdGroups, { ec2: l.ec2Group.id, rds: l.rdsGroup.id });
    });
  }

  for (const index of [0, 1, 2, 3, 4, 5]) {
    it(`unlink, step ${index + 1} done, answer lost, retried: the unlink completes`, async () => {
      const aws = FakeAws.from(world());
      const initial = aws.snapshot();
      await link(aws);
      const { plan } = await prepareUnlink(aws, (await currentLinks(aws))[0]);
      aws.failStep(plan, index, 'lostRetried');
      const result = await applyPlan(plan, aws, fast);
      assert.equal(result.status, 'applied');
      assert.deepEqual(result.keptGroups, []);
      assert.deepEqual(aws.snapshot(), initial);
    });
  }

  it('a Duplicate on the first attempt is still a failure (someone else took the name)', async () => {
    const aws = FakeAws.from(world());
    const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
    await aws.createSecurityGroup({ name: 'ec2-rds-1', description: 'theirs', vpcId: plan.vpcId ?? '', tags: { 'rds-link:created-by': 'rds-link' } });
    const err = await expectApplyFailure(applyPlan(plan, aws, { ...fast, dryRun: false }));
    assert.equal(err.stepIndex, 0);
    assert.match(err.message, /InvalidGroup|already exists/);
  });

  it('a retried Duplicate for a group without our tag is not taken for ours', async () => {
    const aws = FakeAws.from(world());
    const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
    // The lost attempt made the group, then someone removed our tag before the retry.
    aws.failStep(plan, 0, 'lostRetried');
    const untag = aws.createSecurityGroup.bind(aws);
    aws.createSecurityGroup = async (input, dryRun) => untag({ ...input, tags: dryRun ? input.tags : {} }, dryRun);
    const err = await expectApplyFailure(applyPlan(plan, aws, fast));
    assert.equal(err.stepIndex, 0);
    assert.equal(err.rollback.complete, false, 'the untagged group is not ours to delete, and it is there');
    assert.doesNotMatch(err.message, /as it was/);
  });

  it('says "as it was" only when AWS, described again, is: an undo that answered OK but did not stick is named', async () => {
    const aws = FakeAws.from(world());
    await link(aws);
    const { plan } = await prepareUnlink(aws, (await currentLinks(aws))[0]);
    aws.failStep(plan, 3, 'rejected');
    // The undo of step 3 (the inbound rule given back) answers OK, and the rule is not there.
    aws.failOn('authorizeRules', { kind: 'ignored' });
    const err = await expectApplyFailure(applyPlan(plan, aws, fast));
    assert.equal(err.rollback.complete, false);
    assert.doesNotMatch(err.message, /as it was/);
    assert.match(err.message, /The rollback did not finish; left behind: rule on sg-new2 not restored/);
  });

  it('a rollback revokes every rule naming a group before deleting it, and retries the delete', async () => {
    const aws = FakeAws.from(world());
    const initial = aws.snapshot();
    const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
    aws.failOn('setDatabaseGroups');
    // The undo of both rules fails: the groups still name each other when their deletes come.
    aws.failOn('revokeRules', { skip: 2, times: 2 });
    const err = await expectApplyFailure(applyPlan(plan, aws, fast));
    assert.ok(err.rollback.complete, err.message);
    assert.match(err.message, /AWS is as it was\.$/);
    assert.deepEqual(aws.snapshot(), initial);
  });
});

describe('unlink with shared pairs', () => {
  function sharedWorld(): World {
    const pair = consolePair(1);
    return world({
      groups: [...baseGroups(), ...pair],
      instances: [instance({ groups: ['sg-web', pair[0].id] }), instance({ id: 'i-api', name: 'api', networkInterfaces: [eni('eni-api', 0, ['sg-web', pair[0].id])] })],
      databases: [db({ securityGroupIds: ['sg-db', pair[1].id] })],
    });
  }

  it('unlinking one instance of a shared console pair leaves the other linked', async () => {
    const aws = FakeAws.from(sharedWorld());
    const { plan, result } = await unlink(aws);
    assert.deepEqual(plan.steps.map((s) => s.kind), ['setInterfaceGroups']);
    assert.equal(result.status, 'applied');
    assert.deepEqual((await currentLinks(aws)).map((l) => l.instance.id), ['i-api']);
  });

  it('an interface of another service holding ec2-rds-N keeps the groups', async () => {
    const pair = consolePair(1);
    const aws = FakeAws.from(world({ groups: [...baseGroups(), ...pair], instances: [instance({ groups: ['sg-web', pair[0].id] })], databases: [db({ securityGroupIds: ['sg-db', pair[1].id] })] }));
    aws.addServiceInterface('eni-lambda', [pair[0].id]);
    const { plan } = await unlink(aws);
    assert.deepEqual(plan.deletesGroupIds, []);
    assert.ok(aws.group(pair[0].id) && aws.group(pair[1].id));
    assert.ok(aws.group(pair[0].id)?.egress.length === 1, 'the Lambda keeps its access');
  });

  it('a link that is gone meanwhile plans as "not linked" and applies as unchanged', async () => {
    const aws = FakeAws.from(sharedWorld());
    const [l] = (await currentLinks(aws)).filter((x) => x.instance.id === 'i-web');
    await aws.setInterfaceGroups('eni-web', ['sg-web']);
    const { plan } = await prepareUnlink(aws, l);
    assert.equal(plan.status, 'notLinked');
    const before = aws.mutations().length;
    assert.equal((await applyPlan(plan, aws, fast)).status, 'unchanged');
    assert.equal(aws.mutations().length, before);
  });

  it('surfaces a real AWS error thrown by the API unchanged in the cause', async () => {
    const aws = FakeAws.from(world());
    const { plan } = await prepareLink(aws, { instanceId: 'i-web', db: APPDB });
    aws.failOn('authorizeRules');
    const err = await expectApplyFailure(applyPlan(plan, aws, fast));
    assert.ok(err.cause instanceof AwsError);
    assert.equal((err.cause as AwsError).name, 'InjectedFault');
  });
});
