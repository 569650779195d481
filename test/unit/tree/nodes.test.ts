// The node tree of both views, built from a fake store: every node kind's children know it as
// their parent, and walking up from any node then down by ids finds it again (what reveal does).
import * as assert from 'node:assert/strict';
import { BlueGreenNode, DatabaseNode, DetailNode, ErrorNode, InstanceNode, LinkedInstancesNode, LinkNode, MessageNode, RegionNode, ServiceNode, TargetNode, withRelease, type TreeNode } from '../../../src/tree/nodes';
import type { RdsProvider } from '../../../src/tree/rdsProvider';
import type { Ec2Provider } from '../../../src/tree/ec2Provider';
import { db, instance } from '../link/builders';
import { leftWorkIn } from '../../../src/state/leftWork';
import { MemoryMemento } from '../support/fakeDeps';
import { A, B, contents, deployed, ec2ViewOf, views, walk } from './world';

const kinds = [RegionNode, ServiceNode, InstanceNode, TargetNode, LinkNode, MessageNode, ErrorNode, DatabaseNode, LinkedInstancesNode, BlueGreenNode, DetailNode];

function kindsIn(nodes: readonly TreeNode[]): Set<string> {
  return new Set(nodes.map((n) => n.constructor.name));
}

/** Walks up with getParent, then down from the top by id, as TreeView.reveal resolves an element. */
function reveal(view: Ec2Provider | RdsProvider, node: TreeNode): TreeNode | undefined {
  const chain: TreeNode[] = [];
  for (let n: TreeNode | undefined = node; n; n = view.getParent(n)) chain.unshift(n);
  let found: TreeNode | undefined;
  for (const wanted of chain) {
    found = view.getChildren(found).find((c) => c.id === wanted.id);
    if (!found) return undefined;
  }
  return found;
}

describe('tree: nodes own their children and parent', () => {
  it('has every node kind across the two views', () => {
    const { ec2, rds } = views();
    const seen = kindsIn([...walk(ec2), ...walk(rds)].map((e) => e.node));
    assert.deepEqual(kinds.filter((k) => !seen.has(k.name)).map((k) => k.name), []);
  });

  for (const name of ['ec2', 'rds'] as const) {
    it(`${name}: getParent(child) is the node whose getChildren gave it, for every node`, () => {
      const view = views()[name];
      const entries = walk(view);
      assert.ok(entries.length > 5, `only ${entries.length} nodes`);
      for (const { node, parent } of entries) {
        assert.equal(view.getParent(node), parent, `${node.id}: getParent is ${view.getParent(node)?.id} instead of ${parent?.id}`);
        assert.equal(node.parent, parent, `${node.id}: parent`);
      }
      const ids = entries.map((e) => e.node.id);
      assert.equal(new Set(ids).size, ids.length, `ids repeat: ${ids.join(', ')}`);
    });

    it(`${name}: every node is found again from the top by its parent chain (reveal)`, () => {
      const view = views()[name];
      for (const { node } of walk(view)) assert.equal(reveal(view, node)?.id, node.id, `${node.id} is not reachable`);
    });
  }

  it('puts the regions at the top with no parent, and their nodes under them', () => {
    const { ec2, rds } = views();
    for (const view of [ec2, rds]) {
      const top = view.getChildren();
      assert.deepEqual(top.map((n) => n.id), [`${view.service}/${A}`, `${view.service}/${B}`]);
      for (const region of top) {
        assert.ok(region instanceof RegionNode);
        assert.equal(view.getParent(region), undefined);
        for (const child of view.getChildren(region)) assert.equal(view.getParent(child), region);
      }
    }
    assert.deepEqual(ec2.getChildren(ec2.getChildren()[1]).map((n) => n.id), [`ec2/${B}/loading`]);
    const [failed] = rds.getChildren(rds.getChildren()[1]);
    assert.ok(failed instanceof ErrorNode && failed.region === B && failed.service === 'rds');
  });

  it('with one region, shows its nodes at the top, with no parent', () => {
    const { ec2, rds } = views([A]);
    const top = [...ec2.getChildren(), ...rds.getChildren()];
    assert.deepEqual(top.map((n) => n.id), [`ec2/${A}/service/api`, `ec2/${A}/i-web`, `ec2/${A}/i-batch`, `rds/${A}/instance/appdb`, `rds/${A}/cluster/aurora1`]);
    for (const n of top) assert.equal(ec2.getParent(n), undefined);
  });

  it('puts links under the instance and under the DB, members under the cluster, details under the deployment', () => {
    const { ec2, rds } = views([A]);
    const [, web, batch] = ec2.getChildren() as InstanceNode[];
    assert.deepEqual(web.getChildren().map((n) => [n.constructor.name, n.label]), [['LinkNode', 'appdb']]);
    assert.deepEqual(batch.getChildren(), []);
    const [appdb, aurora] = rds.getChildren() as DatabaseNode[];
    assert.deepEqual(aurora.getChildren().map((n) => n.id), [`rds/${A}/instance/aurora1-a`]);
    const children = appdb.getChildren();
    assert.deepEqual(children.map((n) => n.constructor.name), ['BlueGreenNode', 'LinkedInstancesNode']);
    const [bg, linked] = children;
    assert.deepEqual(linked.getChildren().map((n) => [n.id, n.label]), [[`link/${(linked as LinkedInstancesNode).links[0].key}/db`, 'web']]);
    assert.deepEqual(bg.getChildren().map((n) => n.id), [
      `rds/${A}/instance/appdb/bg/bgd-0123456789abcdef/task/CREATING_READ_REPLICA_OF_SOURCE`,
      `rds/${A}/instance/appdb/bg/bgd-0123456789abcdef/member/arn:aws:rds:${A}:123456789012:db:appdb`,
    ]);
  });

  it('a node built on its own (a command\'s argument) has no parent and nothing under it', () => {
    const [link] = contents().links ?? [];
    const alone = [new InstanceNode(instance()), new DatabaseNode(db(), false), new LinkNode(link, 'db')];
    for (const n of alone) assert.deepEqual([n.parent, n.getChildren(), n.collapsibleState], [undefined, [], 0], String(n.id));
    assert.equal(alone[1].contextValue, 'rdsLink.db.instance.mysql.available.bg');
  });
});

/** A markdown tooltip as a person reads it (without the escapes). */
function text(tooltip: unknown): string {
  return (tooltip as { value: string }).value.replace(/\\(.)/g, '$1');
}

describe('tree: the EC2 view groups deployed instances by service and shows their release', () => {
  it('puts the instances a deploy tagged under one node per service, the others beside it as before', () => {
    for (const regions of [[A], [A, B]]) {
      const { ec2 } = views(regions);
      const region = regions.length > 1 ? ec2.getChildren()[0] : undefined;
      const nodes = ec2.getChildren(region);
      assert.deepEqual(nodes.map((n) => [n.constructor.name, n.id]), [
        ['ServiceNode', `ec2/${A}/service/api`],
        ['InstanceNode', `ec2/${A}/i-web`],
        ['InstanceNode', `ec2/${A}/i-batch`],
      ]);
      const [api] = nodes;
      assert.ok(api instanceof ServiceNode);
      assert.deepEqual([api.serviceName, api.region, api.label, api.parent, api.contextValue], ['api', A, 'api', region, 'rdsLink.service']);
      const members = api.getChildren();
      assert.deepEqual(members.map((n) => [n.constructor.name, n.id, n.parent]), [['InstanceNode', `ec2/${A}/i-api-1`, api], ['InstanceNode', `ec2/${A}/i-api-2`, api]]);
      assert.equal(region?.description, regions.length > 1 ? '4' : undefined, 'the region counts instances, not service nodes');
    }
  });

  it('marks an instance whose status-check wait was left (remembered, after a reload too), and re-renders when the wait is picked up', async () => {
    const waits = leftWorkIn(new MemoryMemento()).instanceWaits;
    await waits.remember({ region: A, instanceId: 'i-batch', name: 'batch', osUser: 'ec2-user', created: [] });
    const ec2 = ec2ViewOf([instance(), instance({ id: 'i-batch', name: 'batch' })], waits);
    let fired = 0;
    ec2.onDidChangeTreeData(() => fired++);
    const [web, batch] = ec2.getChildren();
    assert.deepEqual([web.contextValue, batch.contextValue], ['rdsLink.instance.running', 'rdsLink.instance.running.waiting']);
    assert.match(String(batch.description), /status checks not waited for/);
    await waits.forget({ region: A, instanceId: 'i-batch', name: 'batch', osUser: 'ec2-user', created: [] });
    assert.equal(fired, 1);
    assert.equal(ec2.getChildren()[1].contextValue, 'rdsLink.instance.running');
  });

  it('keeps the view as it was when no instance has a service tag', () => {
    const ec2 = ec2ViewOf([instance(), instance({ id: 'i-batch', name: 'batch' })]);
    assert.deepEqual(ec2.getChildren().map((n) => [n.constructor.name, n.id]), [['InstanceNode', `ec2/${A}/i-web`], ['InstanceNode', `ec2/${A}/i-batch`]]);
  });

  it('makes one node per service, in name order, with the instances of each', () => {
    const tagged = (id: string, service: string) => instance({ id, name: id, tags: { 'rds-link:service': service, 'rds-link:release': 'v1' } });
    const ec2 = ec2ViewOf([tagged('i-3', 'worker'), tagged('i-1', 'api'), instance(), tagged('i-2', 'worker')]);
    const top = ec2.getChildren();
    assert.deepEqual(top.map((n) => n.id), [`ec2/${A}/service/api`, `ec2/${A}/service/worker`, `ec2/${A}/i-web`]);
    assert.deepEqual(top[1].getChildren().map((n) => n.id), [`ec2/${A}/i-3`, `ec2/${A}/i-2`]);
  });

  it('shows each instance\'s release in its description and its tooltip, from the tags alone', () => {
    const [api1, api2] = deployed().map((i) => new InstanceNode(i));
    assert.equal(api1.description, 'running · v2');
    assert.equal(api2.description, 'running · v1');
    const tooltip = text(api1.tooltip);
    assert.match(tooltip, /Service: api {2}\n/);
    assert.match(tooltip, /Release: v2 {2}\n/);
    assert.match(tooltip, /Released: 2026-12-02 02:40 UTC {2}\n/);
    const plain = new InstanceNode(instance({ type: 't3.micro', privateIp: '10.0.0.5' }));
    assert.equal(plain.description, 'running · t3.micro · 10.0.0.5');
    assert.doesNotMatch(text(plain.tooltip), /Release/);
  });

  it('a service node says its release, or how many when its instances differ (the latest first in the tooltip)', () => {
    const [api1, api2] = deployed();
    const both = new ServiceNode(A, 'api', [api2, api1].map(withRelease), () => []);
    assert.equal(both.description, '2 · 2 releases');
    assert.match(text(both.tooltip), /v2: 1 {2}\nv1: 1 {2}\n/);
    assert.equal(new ServiceNode(A, 'api', [api1].map(withRelease), () => []).description, '1 · v2');
    const untagged = new ServiceNode(A, 'api', [instance({ tags: { 'rds-link:service': 'api' } })].map(withRelease), () => []);
    assert.equal(untagged.description, '1 · no release');
  });

  it('reads each instance\'s release tags once while the view renders (grouping, service node, instance node)', () => {
    // The compiled modules call releaseOf through this module object, so a wrapper here sees every call.
    const tags = require('../../../src/core/aws/releaseTags') as { releaseOf: (i: { id?: string }) => unknown };
    const original = tags.releaseOf;
    const seen: string[] = [];
    tags.releaseOf = (i) => (seen.push(i.id ?? ''), original(i as never));
    try {
      const tagged = (id: string) => instance({ id, name: id, tags: { 'rds-link:service': 'api', 'rds-link:release': 'v1' } });
      const ec2 = ec2ViewOf([tagged('i-1'), tagged('i-2'), tagged('i-3'), instance()]);
      const [api, web] = ec2.getChildren();
      const members = api.getChildren();
      assert.deepEqual([api.description, web.id, members.map((m) => m.description)], ['3 · v1', `ec2/${A}/i-web`, ['running · v1', 'running · v1', 'running · v1']]);
      assert.deepEqual(seen.sort(), ['i-1', 'i-2', 'i-3', 'i-web']);
    } finally {
      tags.releaseOf = original;
    }
  });

  it('an instance under a service keeps its links', () => {
    const [web] = contents().instances ?? [];
    const link = (contents().links ?? [])[0];
    const api = new ServiceNode(A, 'api', [web].map(withRelease), (i) => (i.id === web.id ? [link] : []));
    const [node] = api.getChildren();
    assert.ok(node instanceof InstanceNode);
    assert.deepEqual(node.getChildren().map((n) => [n.constructor.name, n.parent]), [['LinkNode', node]]);
  });

  it('shows under each instance its target groups and its health in each, from the region load (no call per instance)', () => {
    const { ec2 } = views();
    const byLabel = new Map(walk(ec2).map((e) => [`${e.node.parent?.label as string}/${e.node.label as string}`, e.node]));
    const api1 = [...byLabel.values()].find((n) => n instanceof InstanceNode && n.instance.id === 'i-api-1');
    assert.ok(api1 instanceof InstanceNode);
    assert.deepEqual(api1.getChildren().map((n) => [n.label, n.description, (n.iconPath as { id: string }).id]), [['api-blue', 'healthy · port 8080', 'pass'], ['api-green', 'draining · port 8080', 'loading~spin']]);
    const api2 = byLabel.get('api-2/api-blue');
    assert.ok(api2 instanceof TargetNode);
    assert.match((api2.tooltip as { value: string }).value, /Target\\\.FailedHealthChecks/);
    assert.equal((api2.iconPath as { id: string }).id, 'error');
    const plain = [...byLabel.values()].find((n) => n instanceof InstanceNode && n.instance.id === 'i-batch');
    assert.ok(plain instanceof InstanceNode);
    assert.deepEqual(plain.getChildren(), [], 'an instance in no target group has none under it');
  });

  it('marks a group live, idle or a canary\'s share from the listener\'s weights, with each listener in the tooltip', () => {
    const base = { targetGroupName: 'goapp-blue', targetGroupArn: 'arn:tg/goapp-blue', instanceId: 'i-1', port: 8080, state: 'healthy' as const };
    const node = (shares: { weight: number; totalWeight: number; listenerPort?: number }[]) => new TargetNode({ ...base, shares: shares.map((x) => ({ listenerArn: 'arn:listener/app/goapp-alb/1/2', ...x })) });
    assert.equal(node([{ weight: 100, totalWeight: 100, listenerPort: 80 }]).description, 'healthy · port 8080 · live (weight 100)');
    assert.equal(node([{ weight: 0, totalWeight: 100 }]).description, 'healthy · port 8080 · idle (weight 0)');
    assert.equal(node([{ weight: 10, totalWeight: 100 }]).description, 'healthy · port 8080 · 10% of the traffic (weight 10)');
    const two = node([
      { weight: 0, totalWeight: 100, listenerPort: 80 },
      { weight: 1, totalWeight: 1, listenerPort: 443 },
    ]);
    assert.equal(two.description, 'healthy · port 8080 · idle (weight 0)', 'the first listener in the description');
    const tip = (two.tooltip as { value: string }).value;
    assert.match(tip, /Listener on port 80: idle \\\(weight 0\\\)/);
    assert.match(tip, /Listener on port 443: live \\\(weight 1\\\)/);
    assert.equal(new TargetNode(base).description, 'healthy · port 8080', 'no weighted listener: no mark');
  });
});
