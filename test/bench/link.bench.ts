/**
 * link_api_calls: every LinkApi call of a fresh link — the three describes before planning, the
 *   dry runs and the steps (RDS has no dry run; the applier reads the new groups' egress once).
 * relink_mutations: mutating calls when linking an already linked pair (must be 0).
 * rollback_leftovers: differences from the initial state after each injected failure — every
 *   mutating step of a fresh link, of a reuse and of an unlink, each failing three ways
 *   (rejected, answer lost after AWS did it, 503) — summed (must be 0).
 * All against the in-memory AWS of the unit tests, which keeps the semantics moto lacks.
 */
import { ApplyFailedError, applyPlan, type ApplyOptions } from '../../src/core/aws/link/applier';
import { countingLinkApi } from '../../src/core/aws/link/callCounter';
import { findLinks } from '../../src/core/aws/link/links';
import { prepareLink, prepareUnlink } from '../../src/core/aws/link/service';
import type { DbTarget, Plan } from '../../src/core/aws/link/types';
import { baseGroups, consolePair, db, world, type World } from '../unit/link/builders';
import { FakeAws, type FaultKind } from '../unit/link/fakeAws';

const APPDB: DbTarget = { kind: 'instance', id: 'appdb' };
const fast: ApplyOptions = { deleteRetryDelaysMs: [0, 0, 0], consistencyRetryDelaysMs: [0, 0, 0], sleep: async () => undefined };
const FAULTS: FaultKind[] = ['rejected', 'lost', 'unavailable'];

type Snapshot = {
  groups: { id: string; ingress: string[]; egress: string[] }[];
  interfaces: { id: string; groupIds: string[] }[];
  databases: { key: string; groupIds: string[] }[];
};

/** Orphan groups, dangling attachments and leftover (or missing) rules between two snapshots. */
function differences(before: Snapshot, after: Snapshot): number {
  let n = 0;
  const groupsBefore = new Map(before.groups.map((g) => [g.id, g]));
  const groupsAfter = new Map(after.groups.map((g) => [g.id, g]));
  for (const id of new Set([...groupsBefore.keys(), ...groupsAfter.keys()])) {
    const a = groupsBefore.get(id);
    const b = groupsAfter.get(id);
    if (!a || !b) {
      n++;
      continue;
    }
    for (const dir of ['ingress', 'egress'] as const) {
      n += a[dir].filter((r) => !b[dir].includes(r)).length + b[dir].filter((r) => !a[dir].includes(r)).length;
    }
  }
  const lists = (s: Snapshot) => new Map([...s.interfaces.map((i) => [i.id, i.groupIds] as const), ...s.databases.map((d) => [d.key, d.groupIds] as const)]);
  const la = lists(before);
  const lb = lists(after);
  for (const [key, ids] of la) {
    const other = lb.get(key) ?? [];
    n += ids.filter((x) => !other.includes(x)).length + other.filter((x) => !ids.includes(x)).length;
  }
  return n;
}

/** Fails step `index` of the plan `kind`-wise; returns the differences left behind. */
async function leftoversAfterFault(setup: () => Promise<FakeAws>, makePlan: (aws: FakeAws) => Promise<Plan>, index: number, kind: FaultKind): Promise<number> {
  const aws = await setup();
  const before = aws.snapshot() as Snapshot;
  const plan = await makePlan(aws);
  aws.failStep(plan, index, kind);
  try {
    await applyPlan(plan, aws, fast);
    throw new Error(`step ${index + 1} (${plan.steps[index].kind}) did not fail`);
  } catch (err) {
    if (!(err instanceof ApplyFailedError)) throw err;
  }
  return differences(before, aws.snapshot() as Snapshot);
}

export async function run(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const fresh = (): World => world();
  const reuse = (): World => {
    const pair = consolePair(1);
    return world({ groups: [...baseGroups(), ...pair], databases: [db({ securityGroupIds: ['sg-db', pair[1].id] })] });
  };

  // A fresh link, counted from the first describe.
  const aws = FakeAws.from(fresh());
  const counted = countingLinkApi(aws);
  const { plan } = await prepareLink(counted.api, { instanceId: 'i-web', db: APPDB });
  await applyPlan(plan, counted.api, fast);
  const linkCalls = counted.counts.total;

  // The same link again.
  const again = countingLinkApi(aws);
  const second = await prepareLink(again.api, { instanceId: 'i-web', db: APPDB });
  await applyPlan(second.plan, again.api, fast);
  const relinkMutations = again.counts.mutations;

  let leftovers = 0;
  let injected = 0;
  const linkPlan = async (a: FakeAws) => (await prepareLink(a, { instanceId: 'i-web', db: APPDB })).plan;
  for (const w of [fresh, reuse]) {
    const steps = (await linkPlan(FakeAws.from(w()))).steps.length;
    for (let i = 0; i < steps; i++) {
      for (const kind of FAULTS) {
        leftovers += await leftoversAfterFault(async () => FakeAws.from(w()), linkPlan, i, kind);
        injected++;
      }
    }
  }
  // Unlink: the steps that are undone on failure (the final deletes are best effort by design).
  const linked = async () => {
    const a = FakeAws.from(fresh());
    await applyPlan(await linkPlan(a), a, fast);
    return a;
  };
  const unlinkPlan = async (a: FakeAws) => {
    const inst = await a.describeInstance('i-web');
    const [l] = findLinks(inst ? [inst] : [], await a.describeDatabases(), await a.describeSecurityGroups({}));
    return (await prepareUnlink(a, l)).plan;
  };
  const undoable = (await unlinkPlan(await linked())).steps.filter((s) => s.kind !== 'deleteGroup').length;
  for (let i = 0; i < undoable; i++) {
    for (const kind of FAULTS) {
      leftovers += await leftoversAfterFault(linked, unlinkPlan, i, kind);
      injected++;
    }
  }
  if (injected < 30) throw new Error(`only ${injected} faults injected`);

  return [
    { name: 'link_api_calls', value: linkCalls, unit: 'calls' },
    { name: 'relink_mutations', value: relinkMutations, unit: 'calls' },
    { name: 'rollback_leftovers', value: leftovers, unit: 'items' },
  ];
}
