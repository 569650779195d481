import * as assert from 'node:assert/strict';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, ModifyDBClusterCommand, ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { state as sdkWarningState } from '@aws-sdk/core/client';
import { mockClient } from 'aws-sdk-client-mock';
import { dryRunPlan } from '../../../src/core/aws/link/applier';
import { ALLOW_ALL_EGRESS, pairRule } from '../../../src/core/aws/link/consoleRules';
import { planLink } from '../../../src/core/aws/link/planner';
import { createSdkLinkApi, toIpPermission, toSecurityGroup } from '../../../src/core/aws/link/sdkLinkApi';
import { baseGroups, db, instance } from './builders';

// As the session does: the Node 20 support warning is noise here.
sdkWarningState.warningEmitted = true;

const config = { region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

function setup() {
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  const ec2Mock = mockClient(ec2);
  const rdsMock = mockClient(rds);
  return { ec2Mock, rdsMock, api: createSdkLinkApi(ec2, rds) };
}

describe('SDK LinkApi', () => {
  it('maps a security group: one rule per peer group, one for the addresses, tags', () => {
    const g = toSecurityGroup({
      GroupId: 'sg-1',
      GroupName: 'rds-ec2-1',
      Description: 'd',
      VpcId: 'vpc-1',
      Tags: [{ Key: 'rds-link:created-by', Value: 'rds-link' }],
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: 'sg-a', Description: 'x' }, { GroupId: 'sg-b' }], IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
      ],
      IpPermissionsEgress: [{ IpProtocol: '-1', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
    assert.deepEqual(g.tags, { 'rds-link:created-by': 'rds-link' });
    assert.deepEqual(g.ingress.map((r) => [r.peerGroupId, r.cidrs, r.fromPort, r.description]), [['sg-a', [], 3306, 'x'], ['sg-b', [], 3306, undefined], [undefined, ['10.0.0.0/8'], 3306, undefined]]);
    assert.deepEqual(g.egress, [{ ...ALLOW_ALL_EGRESS, description: undefined }]);
  });

  it('writes rules the way EC2 takes them', () => {
    assert.deepEqual(toIpPermission(pairRule(3306, 'sg-peer', 'why')), { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: 'sg-peer', Description: 'why' }] });
    assert.deepEqual(toIpPermission(ALLOW_ALL_EGRESS), { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0', Description: undefined }] });
  });

  it('creates a tagged group, passing DryRun only on a dry run', async () => {
    const { ec2Mock, api } = setup();
    ec2Mock.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-new' });
    const input = { name: 'ec2-rds-1', description: 'desc', vpcId: 'vpc-1', tags: { 'rds-link:created-by': 'rds-link' } };
    assert.equal(await api.createSecurityGroup(input), 'sg-new');
    await api.createSecurityGroup(input, true);
    const sent = ec2Mock.commandCalls(CreateSecurityGroupCommand).map((c) => c.args[0].input);
    assert.deepEqual(sent[0], {
      GroupName: 'ec2-rds-1',
      Description: 'desc',
      VpcId: 'vpc-1',
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'rds-link:created-by', Value: 'rds-link' }] }],
      DryRun: undefined,
    });
    assert.equal(sent[1].DryRun, true);
  });

  it('sets interface groups with the full list, and DB groups on the instance or the cluster, without ApplyImmediately', async () => {
    const { ec2Mock, rdsMock, api } = setup();
    ec2Mock.on(ModifyNetworkInterfaceAttributeCommand).resolves({});
    rdsMock.on(ModifyDBInstanceCommand).resolves({});
    rdsMock.on(ModifyDBClusterCommand).resolves({});
    await api.setInterfaceGroups('eni-1', ['sg-a', 'sg-b']);
    await api.setDatabaseGroups({ kind: 'instance', id: 'appdb' }, ['sg-db', 'sg-r']);
    await api.setDatabaseGroups({ kind: 'cluster', id: 'aurora1' }, ['sg-r']);
    assert.deepEqual(ec2Mock.commandCalls(ModifyNetworkInterfaceAttributeCommand)[0].args[0].input, { NetworkInterfaceId: 'eni-1', Groups: ['sg-a', 'sg-b'], DryRun: undefined });
    assert.deepEqual(rdsMock.commandCalls(ModifyDBInstanceCommand)[0].args[0].input, { DBInstanceIdentifier: 'appdb', VpcSecurityGroupIds: ['sg-db', 'sg-r'] });
    assert.deepEqual(rdsMock.commandCalls(ModifyDBClusterCommand)[0].args[0].input, { DBClusterIdentifier: 'aurora1', VpcSecurityGroupIds: ['sg-r'] });
  });

  it('sends egress and ingress rules to their own commands', async () => {
    const { ec2Mock, api } = setup();
    ec2Mock.on(AuthorizeSecurityGroupEgressCommand).resolves({});
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves({});
    ec2Mock.on(RevokeSecurityGroupEgressCommand).resolves({});
    await api.authorizeRules('egress', 'sg-e', [pairRule(3306, 'sg-r')]);
    await api.authorizeRules('ingress', 'sg-r', [pairRule(3306, 'sg-e')]);
    await api.revokeRules('egress', 'sg-e', [ALLOW_ALL_EGRESS], true);
    assert.equal(ec2Mock.commandCalls(AuthorizeSecurityGroupEgressCommand)[0].args[0].input.GroupId, 'sg-e');
    assert.equal(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)[0].args[0].input.IpPermissions?.[0].UserIdGroupPairs?.[0].GroupId, 'sg-e');
    assert.equal(ec2Mock.commandCalls(RevokeSecurityGroupEgressCommand)[0].args[0].input.DryRun, true);
  });

  it('describes groups by ids in one call, by names with a filter', async () => {
    const { ec2Mock, api } = setup();
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'ec2-rds-1', VpcId: 'vpc-1' }] });
    await api.describeSecurityGroups({ groupIds: ['sg-1'] });
    await api.describeSecurityGroups({ groupNames: ['ec2-rds-*', 'rds-ec2-*'], vpcId: 'vpc-1' });
    const [byId, byName] = ec2Mock.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input);
    assert.deepEqual(byId, { GroupIds: ['sg-1'], Filters: undefined });
    assert.deepEqual(byName.Filters, [{ Name: 'vpc-id', Values: ['vpc-1'] }, { Name: 'group-name', Values: ['ec2-rds-*', 'rds-ec2-*'] }]);
    assert.equal(byName.MaxResults, 1000);
  });

  it('asks for the interfaces of each group with its own single-value filter, and merges them', async () => {
    const { ec2Mock, api } = setup();
    // As moto answers: a group-id filter with two values finds nothing (AWS ORs them).
    ec2Mock.on(DescribeNetworkInterfacesCommand).callsFake((input: { Filters?: { Name?: string; Values?: string[] }[] }) => {
      const values = input.Filters?.find((f) => f.Name === 'group-id')?.Values ?? [];
      if (values.length !== 1) return { NetworkInterfaces: [] };
      const all = [
        { NetworkInterfaceId: 'eni-web', Groups: [{ GroupId: 'sg-e' }], Attachment: { InstanceId: 'i-web' } },
        { NetworkInterfaceId: 'eni-api', Groups: [{ GroupId: 'sg-e' }, { GroupId: 'sg-r' }], Attachment: { InstanceId: 'i-api' } },
        { NetworkInterfaceId: 'eni-rds', Groups: [{ GroupId: 'sg-r' }], RequesterId: 'amazon-rds', Description: 'RDSNetworkInterface' },
      ];
      return { NetworkInterfaces: all.filter((n) => n.Groups.some((g) => g.GroupId === values[0])) };
    });
    const found = await api.describeInterfaces({ groupIds: ['sg-e', 'sg-r'] });
    assert.deepEqual(found.map((n) => n.id).sort(), ['eni-api', 'eni-rds', 'eni-web']);
    const filters = ec2Mock.commandCalls(DescribeNetworkInterfacesCommand).map((c) => c.args[0].input.Filters);
    assert.deepEqual(filters.sort(), [[{ Name: 'group-id', Values: ['sg-e'] }], [{ Name: 'group-id', Values: ['sg-r'] }]]);
  });

  it('reads a cluster, taking its VPC from a member', async () => {
    const { rdsMock, api } = setup();
    rdsMock.on(DescribeDBClustersCommand).resolves({
      DBClusters: [{ DBClusterIdentifier: 'aurora1', Engine: 'aurora-mysql', Status: 'available', Port: 3306, Endpoint: 'a.b', DBClusterMembers: [{ DBInstanceIdentifier: 'aurora1-a' }], VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-db' }] }],
    });
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceIdentifier: 'aurora1-a', DBSubnetGroup: { VpcId: 'vpc-9' } }] });
    const cluster = await api.describeDatabase({ kind: 'cluster', id: 'aurora1' });
    assert.deepEqual([cluster?.kind, cluster?.vpcId, cluster?.securityGroupIds, cluster?.endpoint?.port], ['cluster', 'vpc-9', ['sg-db'], 3306]);
  });

  it('answers undefined for an instance or DB that does not exist', async () => {
    const { ec2Mock, rdsMock, api } = setup();
    ec2Mock.on(DescribeInstancesCommand).rejects(awsError('InvalidInstanceID.NotFound', 400));
    rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('DBInstanceNotFoundFault', 404));
    assert.equal(await api.describeInstance('i-gone'), undefined);
    assert.equal(await api.describeDatabase({ kind: 'instance', id: 'gone' }), undefined);
  });

  it('a dry run through the SDK: DryRunOperation is allowed, UnauthorizedOperation names the action', async () => {
    const { ec2Mock, api } = setup();
    ec2Mock.onAnyCommand().rejects(awsError('DryRunOperation', 412));
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation', 403));
    const plan = planLink({ instance: instance(), db: db(), groups: baseGroups() });
    const report = await dryRunPlan(plan, api);
    assert.equal(report.ok, false);
    assert.deepEqual(report.missingPermissions, ['ec2:AuthorizeSecurityGroupIngress']);
    assert.equal(report.checks.filter((c) => c.outcome === 'allowed').length, 6);
    // Every EC2 call of a dry run carries DryRun.
    assert.ok(ec2Mock.calls().every((c) => (c.args[0] as { input: { DryRun?: boolean } }).input.DryRun === true));
    assert.equal(ec2Mock.calls().length, 7);
  });
});
