// How a deploy's SSH sessions are opened (the settings' part is reachContext.test.ts). A deploy's
// opener (forInstances) asks EC2 once: one DescribeImages for all the AMIs, the endpoints once
// per VPC (aws-sdk-client-mock counts the calls; the SSH login itself is recorded, not made).
import * as assert from 'node:assert/strict';
import { DescribeImagesCommand, DescribeInstanceConnectEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import * as awsCore from '../../../src/core/aws/index';
import * as dbCore from '../../../src/core/db/index';
import type { InstanceAccess } from '../../../src/core/instance/index';
import { VscodeInstanceSessions } from '../../../src/services/instanceSessions';
import type { ResourceStore } from '../../../src/state/resourceStore';
import type { SshSettings } from '../../../src/state/settings';
import { instance } from '../link/builders';
import { MemoryLog, MemoryMemento } from '../support/fakeDeps';

const ssh = (over: Partial<SshSettings> = {}): SshSettings => ({ insideVpc: false, osUsers: {}, hostOverride: '', hostOverrides: {}, identityFile: undefined, maxTunnelDurationSeconds: 3600, ...over });

describe('services: instanceSessions for a deploy (forInstances)', () => {
  const ec2 = new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 });
  const mock = mockClient(ec2);
  afterEach(() => mock.reset());

  /** Four private instances (no public IP), three in vpc-a and one in vpc-b, on two AMIs. */
  const fleet = [
    instance({ id: 'i-1', privateIp: '10.0.0.1', vpcId: 'vpc-a', subnetId: 'subnet-a1', imageId: 'ami-al' }),
    instance({ id: 'i-2', privateIp: '10.0.0.2', vpcId: 'vpc-a', subnetId: 'subnet-a2', imageId: 'ami-al' }),
    instance({ id: 'i-3', privateIp: '10.0.0.3', vpcId: 'vpc-a', subnetId: 'subnet-a1', imageId: 'ami-ubuntu' }),
    instance({ id: 'i-4', privateIp: '10.1.0.4', vpcId: 'vpc-b', subnetId: 'subnet-b1', imageId: 'ami-ubuntu' }),
  ];

  function sessions(opened: InstanceAccess[], probeSsh: (t: { host: string; port: number }) => Promise<boolean> = async () => true): VscodeInstanceSessions {
    const db = { ...dbCore, openLongSshSession: async (access: InstanceAccess) => (opened.push(access), {}) } as unknown as typeof dbCore;
    const store = { getSession: () => ({ ec2: () => ec2, instanceConnect: () => ({}) }) } as unknown as ResourceStore;
    return new VscodeInstanceSessions({ log: new MemoryLog() as never, store, globalState: new MemoryMemento(), modules: { aws: () => awsCore, db: () => db }, sshSettings: () => ssh(), eiceTunnel: () => ({ maxTunnelDurationSeconds: 3600 }), probeSsh });
  }

  const endpoint = (id: string, vpc: string, subnet: string) => ({ InstanceConnectEndpointId: id, DnsName: `${id}.ec2-instance-connect-endpoint.eu-west-1.amazonaws.com`, VpcId: vpc, SubnetId: subnet, State: 'create-complete' as const, SecurityGroupIds: ['sg-eice'] });

  it('4 instances in 2 VPCs: one DescribeImages for both AMIs, DescribeInstanceConnectEndpoints once per VPC; each gets its OS user and endpoint', async () => {
    mock.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: 'ami-al', Name: 'al2023-ami-2023.6-kernel-6.1-x86_64' }, { ImageId: 'ami-ubuntu', Name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server' }] });
    mock.on(DescribeInstanceConnectEndpointsCommand).callsFake((input: { Filters?: Array<{ Name?: string; Values?: string[] }> }) => {
      const vpc = input.Filters?.find((f) => f.Name === 'vpc-id')?.Values?.[0];
      return { InstanceConnectEndpoints: vpc === 'vpc-a' ? [endpoint('eice-a2', 'vpc-a', 'subnet-a2'), endpoint('eice-a1', 'vpc-a', 'subnet-a1')] : [endpoint('eice-b', 'vpc-b', 'subnet-b1')] };
    });
    const opened: InstanceAccess[] = [];
    const opener = sessions(opened).forInstances(fleet);
    await Promise.all(fleet.map((i) => opener.open(i)));

    assert.equal(mock.commandCalls(DescribeImagesCommand).length, 1, 'one DescribeImages for the deploy');
    assert.deepEqual([...(mock.commandCalls(DescribeImagesCommand)[0].args[0].input.ImageIds ?? [])].sort(), ['ami-al', 'ami-ubuntu']);
    assert.equal(mock.commandCalls(DescribeInstanceConnectEndpointsCommand).length, 2, 'one listing per VPC');
    const byId = new Map(opened.map((a) => [a.instance.id, a]));
    assert.deepEqual(fleet.map((i) => [i.id, byId.get(i.id)?.ssh.username, byId.get(i.id)?.eice?.endpoint.id]), [
      ['i-1', 'ec2-user', 'eice-a1'],
      ['i-2', 'ec2-user', 'eice-a2'],
      ['i-3', 'ubuntu', 'eice-a1'],
      ['i-4', 'ubuntu', 'eice-b'],
    ]);
  });

  it('without a batch each open asks again (the old cost: 4 DescribeImages, 4 listings); a failed listing fails its VPC\'s instances with the reason, asked once', async () => {
    mock.on(DescribeImagesCommand).resolves({ Images: [] });
    mock.on(DescribeInstanceConnectEndpointsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
    const s = sessions([]);
    const one = await Promise.allSettled(fleet.map((i) => s.open(i)));
    assert.equal(mock.commandCalls(DescribeImagesCommand).length, 4);
    assert.equal(mock.commandCalls(DescribeInstanceConnectEndpointsCommand).length, 4);
    assert.equal(one.filter((r) => r.status === 'rejected').length, 4);
    mock.resetHistory();
    const opener = s.forInstances(fleet.slice(0, 3));
    const all = await Promise.allSettled(fleet.slice(0, 3).map((i) => opener.open(i)));
    assert.equal(mock.commandCalls(DescribeInstanceConnectEndpointsCommand).length, 1);
    for (const r of all) assert.match(r.status === 'rejected' ? String(r.reason) : 'opened', /Listing the EC2 Instance Connect Endpoints of vpc-a failed: access denied/);
  });

  it('sshProblem: "no way there" is the reason another transport is chosen; a failed listing is an error, not a reason', async () => {
    mock.on(DescribeImagesCommand).resolves({ Images: [] });
    mock.on(DescribeInstanceConnectEndpointsCommand).resolves({ InstanceConnectEndpoints: [] });
    const opener = sessions([]).forInstances(fleet);
    assert.match((await opener.sshProblem(fleet[0])) ?? '', /has no public IP and its VPC has no EC2 Instance Connect Endpoint/);
    mock.on(DescribeInstanceConnectEndpointsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
    await assert.rejects(sessions([]).forInstances(fleet).sshProblem(fleet[3]), /Listing the EC2 Instance Connect Endpoints of vpc-b failed: access denied/);
  });

  it('a public IP whose port 22 does not answer is reached through its VPC\'s endpoint instead; one that answers is used', async () => {
    mock.on(DescribeImagesCommand).resolves({ Images: [] });
    mock.on(DescribeInstanceConnectEndpointsCommand).resolves({ InstanceConnectEndpoints: [endpoint('eice-a1', 'vpc-a', 'subnet-a1')] });
    const pub = instance({ id: 'i-pub', publicIp: '203.0.113.9', privateIp: '10.0.0.9', vpcId: 'vpc-a', subnetId: 'subnet-a1', imageId: 'ami-al' });
    const opened: InstanceAccess[] = [];
    let probes = 0;
    const opener = sessions(opened, async () => (probes++, false)).forInstances([pub]);
    assert.equal(await opener.sshProblem(pub), undefined, 'the endpoint is a way there');
    await opener.open(pub);
    assert.deepEqual([opened[0].ssh.host, opened[0].eice?.endpoint.id], ['10.0.0.9', 'eice-a1']);
    assert.equal(probes, 1, 'one probe per deploy: the transport decision and the session share it');
    await sessions(opened).open(pub);
    assert.deepEqual([opened[1].ssh.host, opened[1].eice], ['203.0.113.9', undefined]);
  });
});
