// package.json's menus show an item's commands by its contextValue: every `viewItem` clause must
// name a value a node can have (ContextValues in src/ids.ts), and the nodes must use those values.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RdsDatabase } from '../../../src/core/aws/types';
import { ContextValues } from '../../../src/ids';
import { InstanceNode } from '../../../src/tree/nodes';
import { views, walk } from './world';

const root = path.resolve(__dirname, '../../../..');

/** Every value in ContextValues, the DB ones in all their combinations. */
function knownValues(): Set<string> {
  const values = new Set<string>();
  for (const v of Object.values(ContextValues)) {
    if (typeof v === 'string') values.add(v);
    else if (typeof v === 'object') for (const s of Object.values(v)) values.add(s);
  }
  // What this product created ends in `.ours` (Delete… is offered on it).
  // Then `.waiting` when its status-check wait was left (Wait Again is offered).
  for (const state of Object.keys(ContextValues.instance) as (keyof typeof ContextValues.instance)[]) {
    for (const ours of [true, false]) for (const waiting of [true, false]) values.add(ContextValues.instanceOf(state, ours, waiting));
  }
  const kinds: Record<RdsDatabase['kind'], true> = { instance: true, cluster: true };
  for (const kind of Object.keys(kinds) as RdsDatabase['kind'][]) {
    for (const mysql of [true, false]) for (const available of [true, false]) for (const bg of [true, false]) for (const ours of [true, false]) values.add(ContextValues.database(kind, mysql, available, bg, ours));
  }
  return values;
}

/** The `viewItem` tests of every when clause in the manifest's menus. */
function viewItemClauses(): Array<{ where: string; op: string; operand: string }> {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, Array<{ when?: string }>> } };
  const out: Array<{ where: string; op: string; operand: string }> = [];
  for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
    for (const [i, item] of items.entries()) {
      for (const m of (item.when ?? '').matchAll(/\bviewItem\s*(==|!=|=~)\s*(\/(?:\\.|[^/\\])+\/[a-z]*|[^\s)&|]+)/g)) out.push({ where: `menus["${menu}"][${i}]`, op: m[1], operand: m[2] });
    }
  }
  return out;
}

describe('tree: contextValue constants', () => {
  it('every viewItem ==, != and =~ in package.json names a known contextValue', () => {
    const known = [...knownValues()];
    const clauses = viewItemClauses();
    assert.ok(clauses.length > 20, `only ${clauses.length} viewItem clauses found`);
    const unknown = clauses.filter(({ op, operand }) => {
      if (op !== '=~') return !known.includes(operand);
      const [, source, flags] = /^\/(.*)\/([a-z]*)$/.exec(operand) ?? [];
      const re = new RegExp(source, flags);
      return !known.some((v) => re.test(v));
    });
    assert.deepEqual(unknown.map((c) => `${c.where}: viewItem ${c.op} ${c.operand}`), []);
  });

  it('a misspelt value is caught', () => {
    const known = knownValues();
    assert.equal(known.has('rdsLink.instance.runing'), false);
    assert.equal(known.has('rdsLink.db.cluster.mysql.available.bg'), true);
    assert.equal(known.has('rdsLink.db.cluster.unsupported.available.bg'), false, '.bg only on an available MySQL-family DB');
  });

  it('every node of both views has one of the known values', () => {
    const known = knownValues();
    const { ec2, rds } = views();
    const nodes = [...walk(ec2), ...walk(rds)].map((e) => e.node);
    assert.deepEqual(nodes.filter((n) => !known.has(n.contextValue ?? '')).map((n) => `${n.id}: ${n.contextValue}`), []);
  });

  it('Delete… shows only on what this product made (its tag), and the other menus still show there', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, Array<{ command: string; when?: string }>> } };
    const items = manifest.contributes.menus['view/item/context'];
    const shows = (command: string, value: string): boolean => items.filter((m) => m.command === command).some((m) => {
      const re = /viewItem =~ \/((?:\\.|[^/\\])+)\//.exec(m.when ?? '');
      return re ? new RegExp(re[1]).test(value) : (m.when ?? '').includes(`viewItem == ${value}`);
    });
    const tags = { 'rds-link:created-by': 'rds-link' };
    const mine = new InstanceNode({ region: 'us-east-1', id: 'i-1', state: 'running', tags, networkInterfaces: [], securityGroupIds: [] });
    const theirs = new InstanceNode({ region: 'us-east-1', id: 'i-2', state: 'running', tags: {}, networkInterfaces: [], securityGroupIds: [] });
    assert.equal(mine.contextValue, 'rdsLink.instance.running.ours');
    assert.equal(theirs.contextValue, 'rdsLink.instance.running');
    assert.deepEqual([shows('rdsLink.deleteInstance', mine.contextValue), shows('rdsLink.deleteInstance', theirs.contextValue)], [true, false]);
    assert.deepEqual([shows('rdsLink.stopInstance', mine.contextValue), shows('rdsLink.deploy', mine.contextValue), shows('rdsLink.createDatabase', mine.contextValue)], [true, true, true]);
    const waiting = new InstanceNode({ region: 'us-east-1', id: 'i-3', state: 'running', tags, networkInterfaces: [], securityGroupIds: [] }, [], undefined, undefined, [], true);
    assert.equal(waiting.contextValue, 'rdsLink.instance.running.ours.waiting');
    assert.match(String(waiting.description), /^running · status checks not waited for/);
    assert.deepEqual(['rdsLink.waitForInstance', 'rdsLink.deleteInstance', 'rdsLink.stopInstance', 'rdsLink.deploy', 'rdsLink.createDatabase'].map((c) => shows(c, waiting.contextValue ?? '')), [true, true, true, true, true]);
    assert.deepEqual([shows('rdsLink.waitForInstance', mine.contextValue), shows('rdsLink.waitForInstance', 'rdsLink.instance.stopped.ours.waiting')], [false, false]);
    const ourDb = ContextValues.database('instance', true, true, true, true);
    assert.equal(ourDb, 'rdsLink.db.instance.mysql.available.bg.ours');
    assert.deepEqual([shows('rdsLink.deleteDatabase', ourDb), shows('rdsLink.deleteDatabase', ContextValues.database('instance', true, true, true)), shows('rdsLink.createBlueGreen', ourDb)], [true, false, true]);
  });
});
