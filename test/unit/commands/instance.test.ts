// The instance actions and forgetHostKey with fake deps: what they pick, copy, open, call and
// reload, that a refused state or a cancel calls nothing, and the automation-argument errors.
import * as assert from 'node:assert/strict';
import { ArgumentError } from '../../../src/commands/args';
import { copyInstanceId } from '../../../src/commands/instance/copyInstanceId';
import { copyInstanceIp } from '../../../src/commands/instance/copyInstanceIp';
import { forgetHostKey } from '../../../src/commands/instance/forgetHostKey';
import { openInstanceInConsole } from '../../../src/commands/instance/openInstanceInConsole';
import { startInstance } from '../../../src/commands/instance/startInstance';
import { stopInstance } from '../../../src/commands/instance/stopInstance';
import type { RememberedHostKey } from '../../../src/core/instance/index';
import { isCancellation } from '../../../src/core/errors';
import { InstanceNode } from '../../../src/tree/nodes';
import { instance } from '../link/builders';
import { fakeDeps } from '../support/fakeDeps';
import { escape, pick, press, TestUserInput } from '../support/testUserInput';
import { storeWithSession, stubAws } from './awsStubs';

const REGION = 'us-east-1';
const web = instance({ region: REGION, id: 'i-web', name: 'web', state: 'running', publicIp: '203.0.113.7', privateIp: '10.0.0.7' });
const worker = instance({ region: REGION, id: 'i-worker', name: 'worker', state: 'stopped', publicIp: undefined, privateIp: '10.0.0.8' });
const bare = instance({ region: REGION, id: 'i-bare', name: 'bare', state: 'stopped', publicIp: undefined, privateIp: undefined });

function instanceDeps(answers: ConstructorParameters<typeof TestUserInput>[0] = []) {
  const { core, calls } = stubAws({ startInstance: async () => undefined, stopInstance: async () => undefined });
  const store = storeWithSession({ instances: [web, worker, bare] });
  const deps = fakeDeps({ ui: new TestUserInput(answers), store, core });
  return { deps, calls };
}

describe('commands: instance actions (fake deps, scripted answers)', () => {
  it('copyInstanceId copies the node\'s id, says so in the status bar and returns it', async () => {
    const { deps } = instanceDeps();
    assert.equal(await copyInstanceId(deps, new InstanceNode(web)), 'i-web');
    assert.equal(deps.ui.clipboard, 'i-web');
    assert.deepEqual(deps.ui.shown.map((s) => [s.kind, s.text]), [['status', 'Copied instance ID: i-web']]);
  });

  it('copyInstanceIp offers only instances with an IP, and copies the private one when there is no public one', async () => {
    const { deps } = instanceDeps([pick('worker')]);
    assert.equal(await copyInstanceIp(deps), '10.0.0.8');
    const picker = deps.ui.shown.find((s) => s.kind === 'pick');
    assert.deepEqual(picker?.items, ['web', 'worker']);
    assert.equal(deps.ui.shown.at(-1)?.text, 'Copied private IP: 10.0.0.8');
    assert.equal(await copyInstanceIp(deps, new InstanceNode(web)), '203.0.113.7');
  });

  it('copyInstanceIp on an instance without an IP fails and copies nothing', async () => {
    const { deps } = instanceDeps();
    await assert.rejects(copyInstanceIp(deps, new InstanceNode(bare)), /Instance i-bare has no IP address \(state: stopped\)/);
    assert.equal(deps.ui.clipboard, '');
  });

  it('openInstanceInConsole opens the instance in the EC2 console of its region', async () => {
    const { deps } = instanceDeps([pick('web')]);
    await openInstanceInConsole(deps);
    assert.equal(deps.ui.opened.length, 1);
    assert.match(deps.ui.opened[0], /us-east-1\.console\.aws\.amazon\.com\/ec2\/.*i-web/);
  });

  it('startInstance starts a stopped instance with its region\'s client and reloads only EC2', async () => {
    const { deps, calls } = instanceDeps([pick('worker')]);
    await startInstance(deps);
    assert.deepEqual(deps.ui.shown.find((s) => s.kind === 'pick')?.items, ['worker', 'bare'], 'only stopped instances are offered');
    assert.deepEqual(calls, [{ name: 'startInstance', args: [{ service: 'ec2', region: REGION }, 'i-worker'] }]);
    assert.deepEqual(deps.fakeStore.reloads, [{ region: REGION, services: ['ec2'] }]);
  });

  it('startInstance refuses a running instance and calls nothing', async () => {
    const { deps, calls } = instanceDeps();
    await assert.rejects(startInstance(deps, new InstanceNode(web)), /Instance web is running; only a stopped instance can be started/);
    assert.deepEqual(calls, []);
    assert.deepEqual(deps.fakeStore.reloads, []);
  });

  it('stopInstance asks a modal, destructive question first; Escape stops nothing', async () => {
    const { deps, calls } = instanceDeps([escape]);
    await assert.rejects(stopInstance(deps, new InstanceNode(web)), (e: unknown) => isCancellation(e));
    assert.deepEqual(deps.ui.shown.map((s) => [s.kind, s.text, s.modal]), [['warning', 'Stop instance web (i-web)?', true]]);
    assert.deepEqual(calls, []);
    assert.deepEqual(deps.fakeStore.reloads, []);
  });

  it('stopInstance stops after "Stop" and reloads EC2; a stopped instance is refused', async () => {
    const { deps, calls } = instanceDeps([press('Stop')]);
    await stopInstance(deps, new InstanceNode(web));
    assert.deepEqual(calls, [{ name: 'stopInstance', args: [{ service: 'ec2', region: REGION }, 'i-web'] }]);
    assert.deepEqual(deps.fakeStore.reloads, [{ region: REGION, services: ['ec2'] }]);
    await assert.rejects(stopInstance(deps, new InstanceNode(worker)), /only a running instance can be stopped/);
    assert.equal(calls.length, 1);
  });
});

const key = (basis: RememberedHostKey['basis']): RememberedHostKey =>
  ({ keyType: 'ssh-ed25519', sha256: 'SHA256:abc', basis, since: '2026-11-30T08:00:00.000Z' });

describe('commands: forgetHostKey (fake deps, scripted answers)', () => {
  it('automation { instanceId }: forgets a remembered key and answers true', async () => {
    const deps = fakeDeps();
    await deps.hostKeys.remember('i-web', key('console'));
    assert.equal(await forgetHostKey(deps, { instanceId: 'i-web' }), true);
    assert.equal(deps.hostKeys.get('i-web'), undefined);
    assert.match(deps.ui.shown.at(-1)?.text ?? '', /Forgot the SSH host key of i-web/);
  });

  it('automation for an instance with no remembered key answers false and says so', async () => {
    const deps = fakeDeps();
    assert.equal(await forgetHostKey(deps, { instanceId: 'i-none' }), false);
    assert.deepEqual(deps.ui.shown.map((s) => s.text), ['No SSH host key is remembered for i-none.']);
  });

  it('a wrong automation argument fails naming the field', async () => {
    const deps = fakeDeps();
    await assert.rejects(forgetHostKey(deps, { instanceId: 7 }), (e: unknown) => e instanceof ArgumentError && /rdsLink\.forgetHostKey: the argument "instanceId" must be a non-empty string \(it is 7\)/.test(e.message));
  });

  it('from an instance node, forgets that instance\'s key only', async () => {
    const deps = fakeDeps();
    await deps.hostKeys.remember('i-web', key('firstUse'));
    await deps.hostKeys.remember('i-worker', key('firstUse'));
    assert.equal(await forgetHostKey(deps, new InstanceNode(web)), true);
    assert.deepEqual(deps.hostKeys.list().map((k) => k.instanceId), ['i-worker']);
  });

  it('from the palette: offers the remembered keys with how they were checked; Escape forgets nothing', async () => {
    const ui = new TestUserInput([escape, pick('i-worker')]);
    const deps = fakeDeps({ ui });
    await deps.hostKeys.remember('i-web', key('console'));
    await deps.hostKeys.remember('i-worker', key('firstUse'));
    await assert.rejects(forgetHostKey(deps), (e: unknown) => isCancellation(e));
    assert.deepEqual(ui.shown[0].items, ['i-web', 'i-worker']);
    assert.equal(deps.hostKeys.list().length, 2);
    assert.equal(await forgetHostKey(deps), true);
    assert.deepEqual(deps.hostKeys.list().map((k) => k.instanceId), ['i-web']);
    ui.assertDone();
  });

  it('from the palette with nothing remembered: says so and answers false without a picker', async () => {
    const deps = fakeDeps();
    assert.equal(await forgetHostKey(deps), false);
    assert.deepEqual(deps.ui.shown.map((s) => [s.kind, s.text]), [['info', 'No SSH host key is remembered yet.']]);
  });
});
