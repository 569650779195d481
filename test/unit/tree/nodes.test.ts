// The node tree of both views, built from a fake store: every node kind's children know it as
// their parent, and walking up from any node then down by ids finds it again (what reveal does).
import * as assert from 'node:assert/strict';
import { BlueGreenNode, DatabaseNode, DetailNode, ErrorNode, InstanceNode, LinkedInstancesNode, LinkNode, MessageNode, RegionNode, type TreeNode } from '../../../src/tree/nodes';
import type { Ec2Provider } from '../../../src/tree/ec2Provider';
import type { RdsProvider } from '../../../src/tree/rdsProvider';
import { db, instance } from '../link/builders';
import { A, B, contents, views, walk } from './world';

const kinds = [RegionNode, InstanceNode, LinkNode, MessageNode, ErrorNode, DatabaseNode, LinkedInstancesNode, BlueGreenNode, DetailNode];

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
    assert.deepEqual(top.map((n) => n.id), [`ec2/${A}/i-web`, `ec2/${A}/i-batch`, `rds/${A}/instance/appdb`, `rds/${A}/cluster/aurora1`]);
    for (const n of top) assert.equal(ec2.getParent(n), undefined);
  });

  it('puts links under the instance and under the DB, members under the cluster, details under the deployment', () => {
    const { ec2, rds } = views([A]);
    const [web, batch] = ec2.getChildren() as InstanceNode[];
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
