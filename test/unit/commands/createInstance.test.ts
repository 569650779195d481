// Create EC2 Instance… with scripted answers over the real wizard, plan and apply, and a fake
// AWS side: the questions in order, the public address asked of the echo and shown for
// correction (or typed when it does not answer), the plan once, the wait left on Cancel.
import * as assert from 'node:assert/strict';
import type { InstanceCreateApi, InstanceCreateReads, PublicIpLookup } from '../../../src/core/aws/index';
import { createInstance } from '../../../src/commands/instance/createInstance';
import { waitForInstance } from '../../../src/commands/instance/waitForInstance';
import type { LeftInstanceWait } from '../../../src/state/leftWork';
import { InstanceNode } from '../../../src/tree/nodes';
import { Commands } from '../../../src/ids';
import { CancelledError, isCancellation, type CancelSignal } from '../../../src/core/errors';
import { fakeDeps } from '../support/fakeDeps';
import { escape, pick, press, type, TestUserInput, type Answer } from '../support/testUserInput';
import { storeWithSession, stubAws } from './awsStubs';
import { recordingInstanceCreateApi } from '../support/fakeInstanceCreateApi';

const REGION = 'us-east-1';

function fakeAws(options: { lookup: PublicIpLookup; hangWait?: boolean }) {
  const { api: recorded, calls } = recordingInstanceCreateApi({ amiId: 'ami-al2023' });
  const api = {
    ...recorded,
    listVpcs: async () => [{ id: 'vpc-1', name: 'main', isDefault: true }, { id: 'vpc-2', isDefault: false }],
    listFreeTierTypes: async () => [{ type: 't3.micro', architectures: ['x86_64'], freeTierEligible: true, vcpus: 2, memoryMiB: 1024 }],
    listGroupNames: async () => ['default'],
    readProfileState: async () => ({ roleExists: true, policyAttached: true, profileExists: false, roleInProfile: false }),
    authorizeSshIngress: async (groupId: string, cidrs: readonly string[]) => void calls.push(`authorizeSshIngress(${groupId},${cidrs.join()})`),
    // As the SDK waiter: until the signal fires (Cancel), then a CancelledError.
    ...(options.hangWait
      ? { waitStatusOk: (_id: string, o: { signal?: CancelSignal }): Promise<void> => new Promise((_resolve, reject) => o.signal?.onCancellationRequested?.(() => reject(new CancelledError()))) }
      : {}),
  } as unknown as InstanceCreateApi & InstanceCreateReads;
  const network = {
    describeSubnets: async () => [
      { id: 'subnet-pub', vpcId: 'vpc-1', availabilityZone: 'us-east-1a' },
      { id: 'subnet-priv', vpcId: 'vpc-1', availabilityZone: 'us-east-1b' },
    ],
    describeRouteTables: async () => [
      { id: 'rtb-pub', vpcId: 'vpc-1', main: false, subnetIds: ['subnet-pub'], gatewayIds: ['igw-1'] },
      { id: 'rtb-main', vpcId: 'vpc-1', main: true, subnetIds: [], gatewayIds: ['local'] },
    ],
  };
  const stubs = stubAws({
    createSdkInstanceCreateApi: () => api,
    createSdkDbCreateApi: () => network as never,
    findPublicIp: async () => options.lookup,
  });
  return { calls, core: stubs.core, stubCalls: stubs.calls };
}

function run(answers: readonly Answer[], options: { lookup: PublicIpLookup; hangWait?: boolean; instances?: Parameters<typeof storeWithSession>[0]['instances'] }) {
  const aws = fakeAws(options);
  const ui = new TestUserInput(answers);
  const store = storeWithSession({ instances: options.instances });
  const deps = fakeDeps({ ui, store, core: aws.core });
  return { deps, ui, store, ...aws };
}

const upToInbound: Answer[] = [type('web-1'), pick('Amazon Linux 2023'), pick('x86_64'), pick('main'), pick('Attach AmazonSSMManagedInstanceCore'), pick('t3.micro')];

describe('commands: createInstance (scripted answers over the real wizard)', () => {
  it('asks in order, shows the address the echo found for correction, plans once, launches with SSH from it only and the missing profile parts', async () => {
    const { deps, ui, calls, store } = run([...upToInbound, pick('SSH from my public IP only'), type('198.51.100.20'), pick('subnet-pub'), press('Launch'), press('Create RDS Database…')], { lookup: { ip: '198.51.100.9' } });
    const result = await createInstance(deps);
    assert.equal(result.instanceId, 'i-new');
    assert.deepEqual(ui.shown.filter((s) => s.kind === 'pick' || s.kind === 'input').map((s) => s.text), [
      'Instance name (its Name tag)', 'Operating system', 'Architecture', 'VPC', 'Instance profile for SSM', 'Instance type', 'Who may connect in', 'Your public IPv4 address', 'Subnet',
    ]);
    // The public subnet comes first for SSH.
    assert.deepEqual(ui.shown.find((s) => s.text === 'Subnet')?.items, ['subnet-pub', 'subnet-priv']);
    const plan = ui.shown.find((s) => s.kind === 'info' && s.modal);
    assert.equal(plan?.text, 'Launch EC2 instance web-1?');
    assert.match(plan?.detail ?? '', /\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-default-x86_64/);
    assert.match(plan?.detail ?? '', /SSH \(TCP 22\) in from 198\.51\.100\.20\/32 only/);
    assert.match(plan?.detail ?? '', /Instance profile rds-link-ec2-ssm: create instance profile rds-link-ec2-ssm, add the role to it/);
    assert.ok(calls.includes('authorizeSshIngress(sg-new,198.51.100.20/32)'), calls.join());
    assert.ok(!calls.includes('createRole(rds-link-ec2-ssm)') && calls.includes('createInstanceProfile(rds-link-ec2-ssm)'));
    assert.ok(calls.includes('waitStatusOk(i-new)'));
    assert.deepEqual(ui.executed, [{ command: Commands.createDatabase, args: [] }]);
    assert.deepEqual(store.reloads, [{ region: REGION, services: ['ec2'] }]);
    ui.assertDone();
  });

  it('when the echo does not answer, the address is typed; no inbound asks no address', async () => {
    const typed = run([...upToInbound, pick('SSH from my public IP only'), type('198.51.100.20'), pick('subnet-pub'), escape], { lookup: { problem: 'https://checkip.amazonaws.com did not answer (fetch failed).' } });
    await assert.rejects(createInstance(typed.deps), (e: unknown) => isCancellation(e));
    assert.ok(!typed.calls.some((c) => c.startsWith('create') || c.startsWith('run')), 'Escape at the plan makes nothing');

    const closed = run([...upToInbound, pick('Nothing in'), pick('subnet-priv'), escape], { lookup: { ip: '198.51.100.9' } });
    await assert.rejects(createInstance(closed.deps), (e: unknown) => isCancellation(e));
    assert.ok(!closed.ui.shown.some((s) => s.text === 'Your public IPv4 address'));
    assert.deepEqual(closed.ui.shown.find((s) => s.text === 'Subnet')?.items, ['subnet-priv', 'subnet-pub'], 'a private subnet first with nothing in');
    assert.match(closed.ui.shown.at(-1)?.detail ?? '', /nothing in/);
  });

  it('refuses a private address in the box: the scripted person cannot get it past', async () => {
    const { deps } = run([...upToInbound, pick('SSH from my public IP only'), type('192.168.1.5')], { lookup: { ip: '198.51.100.9' } });
    await assert.rejects(createInstance(deps), /192\.168\.1\.5 is not a public address/);
  });

  it('Cancel during the status wait leaves it: the instance stays, and Wait Again is offered', async () => {
    const { deps, ui, calls } = run([...upToInbound, pick('Nothing in'), pick('subnet-priv'), press('Launch'), escape], { lookup: { ip: '198.51.100.9' }, hangWait: true });
    const pending = createInstance(deps);
    // Let the launch reach the wait, then press Cancel.
    for (let i = 0; i < 50 && !calls.includes('runInstance()'); i++) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setTimeout(r, 5));
    ui.cancelProgress();
    const result = await pending;
    assert.equal(result.statusOk, false);
    assert.ok(!calls.some((c) => c.startsWith('terminate') || c.startsWith('delete')), calls.join());
    const warning = ui.shown.at(-1);
    assert.deepEqual([warning?.kind, warning?.text, warning?.items], ['warning', 'web-1 (i-new) is launched; its status checks were not waited for.', ['Wait Again']]);
    assert.match(warning?.detail ?? '', /Wait Again for Status Checks .* picks the wait up later/);
    const left = deps.leftWork.instanceWaits.all();
    assert.deepEqual(left.map((w) => [w.region, w.instanceId, w.name, w.osUser]), [[REGION, 'i-new', 'web-1', 'ec2-user']]);
    assert.ok(left[0].created.length > 0, 'what was made is remembered with the wait');
    assert.deepEqual(Object.keys(deps.globalState.get<object[]>('rdsLink.leftInstanceWaits')?.[0] ?? {}).sort(), ['created', 'instanceId', 'name', 'osUser', 'region'], 'ids and names only');
  });
});

describe('commands: waitForInstance (a left status-check wait picked up later)', () => {
  const wait: LeftInstanceWait = { region: REGION, instanceId: 'i-new', name: 'web-1', osUser: 'ec2-user', created: ['instance i-new'] };
  const launched = { region: REGION, id: 'i-new', name: 'web-1', state: 'running' as const, tags: { 'rds-link:created-by': 'rds-link' }, networkInterfaces: [], securityGroupIds: [] };

  it('from the node: waits, forgets the left wait at status OK, and offers a DB linked to the instance', async () => {
    const { deps, ui, calls } = run([press('Create RDS Database…')], { lookup: { ip: '198.51.100.9' }, instances: [launched] });
    await deps.leftWork.instanceWaits.remember(wait);
    assert.equal(await waitForInstance(deps, new InstanceNode(launched)), true);
    assert.ok(calls.includes('waitStatusOk(i-new)'), calls.join());
    assert.deepEqual(deps.leftWork.instanceWaits.all(), []);
    assert.equal(ui.shown.at(-1)?.text, 'web-1 (i-new) is running and its status checks passed. Log in as ec2-user.');
    assert.equal(ui.executed[0]?.command, Commands.createDatabase);
    assert.ok(ui.executed[0]?.args[0] instanceof InstanceNode && ui.executed[0].args[0].instance.id === 'i-new');
    ui.assertDone();
  });

  it('from the palette: picks among the left waits; left again, it stays remembered', async () => {
    const { deps, ui } = run([pick('web-1'), escape], { lookup: { ip: '198.51.100.9' }, instances: [launched], hangWait: true });
    await deps.leftWork.instanceWaits.remember(wait);
    const pending = waitForInstance(deps);
    await new Promise((r) => setTimeout(r, 10));
    ui.cancelProgress();
    assert.equal(await pending, false);
    assert.equal(ui.shown.find((s) => s.kind === 'pick')?.text, 'Wait Again for Status Checks');
    assert.deepEqual(deps.leftWork.instanceWaits.all(), [wait]);
  });

  it('says so when nothing is left waiting, and forgets a wait whose instance is gone', async () => {
    const none = run([], { lookup: { ip: '198.51.100.9' } });
    await assert.rejects(waitForInstance(none.deps), /No instance launched here is waiting for its status checks/);
    const gone = run([pick('web-1')], { lookup: { ip: '198.51.100.9' }, instances: [{ ...launched, state: 'terminated' }] });
    await gone.deps.leftWork.instanceWaits.remember(wait);
    await assert.rejects(waitForInstance(gone.deps), /web-1 \(i-new\) no longer runs in us-east-1/);
    assert.deepEqual(gone.deps.leftWork.instanceWaits.all(), []);
  });
});
