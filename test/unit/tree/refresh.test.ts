// A change in one region re-renders that region's node (the same object the view handed out),
// not the whole view; a reload, a single-region view or a new session re-render the whole view.
import * as assert from 'node:assert/strict';
import { RegionNode } from '../../../src/tree/nodes';
import { instance } from '../link/builders';
import { A, B, session, views } from './world';

describe('tree: a refresh re-renders the node that changed', () => {
  it('a listing of one service in region A fires that view with A\'s node only', () => {
    const v = views();
    const [a] = v.ec2.getChildren();
    v.rds.getChildren();
    assert.equal(a.description, '4');
    v.change({ service: 'ec2', region: A }, [instance({ id: 'i-new', name: 'new' })]);
    assert.deepEqual(v.fired.ec2, [a]);
    assert.deepEqual(v.fired.rds, [], 'the RDS view did not change');
    assert.equal(a.description, '5', 'the region node shows the new count');
    assert.equal(v.ec2.getChildren()[0], a, 'the region node stays the same object');
    assert.deepEqual(v.ec2.getChildren(a).map((n) => n.id), [`ec2/${A}/service/api`, `ec2/${A}/i-web`, `ec2/${A}/i-batch`, `ec2/${A}/i-new`]);
  });

  it('a change of region A\'s links fires both views with their A node', () => {
    const v = views();
    const [ec2A] = v.ec2.getChildren();
    const [rdsA] = v.rds.getChildren();
    v.change({ region: A });
    assert.deepEqual(v.fired.ec2, [ec2A]);
    assert.deepEqual(v.fired.rds, [rdsA]);
    assert.ok(ec2A instanceof RegionNode && ec2A.region === A);
  });

  it('a change in region B fires B\'s node, not A\'s', () => {
    const v = views();
    const [, b] = v.rds.getChildren();
    v.change({ service: 'rds', region: B });
    assert.deepEqual(v.fired.rds, [b]);
  });

  it('{} (a reload) fires the whole view', () => {
    const v = views();
    v.ec2.getChildren();
    v.rds.getChildren();
    v.change({});
    assert.deepEqual(v.fired, { ec2: ['view'], rds: ['view'] });
  });

  it('with one region (no region node) a change fires the whole view', () => {
    const v = views([A]);
    v.ec2.getChildren();
    v.change({ service: 'ec2', region: A });
    assert.deepEqual(v.fired.ec2, ['view']);
  });

  it('fires the whole view when the session changed since the top level was built', () => {
    const v = views();
    v.ec2.getChildren();
    v.store.session = session([A, B]);
    v.change({ service: 'ec2', region: A });
    assert.deepEqual(v.fired.ec2, ['view']);
    const [a] = v.ec2.getChildren();
    v.change({ service: 'ec2', region: A });
    assert.deepEqual(v.fired.ec2, ['view', a], 'once rebuilt, the region node again');
  });

  it('fires the whole view for a region it has not shown yet', () => {
    const v = views();
    v.change({ service: 'ec2', region: A });
    assert.deepEqual(v.fired.ec2, ['view']);
  });
});
