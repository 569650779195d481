/** The reads' shape: one call per resource type, ids batched, the second round all in flight at once, a failed read left unknown. */
import * as assert from 'node:assert/strict';
import {
  DescribeInstancesCommand, DescribeNetworkAclsCommand, DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand,
  DescribeVpcAttributeCommand, EC2Client, GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { readDiagnosisState } from '../../../src/core/diagnose/reads';

describe('diagnose: the AWS reads', () => {
  const ec2Mock = mockClient(EC2Client);
  const rdsMock = mockClient(RDSClient);
  const creds = { accessKeyId: 't', secretAccessKey: 't' };
  const clients = { ec2: new EC2Client({ region: 'eu-west-1', credentials: creds }), rds: new RDSClient({ region: 'eu-west-1', credentials: creds }) };
  let inFlight = 0;
  let most = 0;
  /** Answers after a pause, counting how many calls wait at the same time. */
  const slow = <T>(answer: T) => async () => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, 20));
    inFlight--;
    return answer;
  };

  beforeEach(() => {
    ec2Mock.reset();
    rdsMock.reset();
    most = 0;
    ec2Mock.on(DescribeInstancesCommand).callsFake(slow({ Reservations: [{ Instances: [{
      InstanceId: 'i-app', State: { Name: 'running' }, VpcId: 'vpc-1', SubnetId: 'subnet-pub', PrivateIpAddress: '10.0.1.10',
      NetworkInterfaces: [{ NetworkInterfaceId: 'eni-app', Attachment: { DeviceIndex: 0 }, SubnetId: 'subnet-pub', VpcId: 'vpc-1', PrivateIpAddress: '10.0.1.10', Groups: [{ GroupId: 'sg-app' }], Ipv6Addresses: [] }],
    }] }] }));
    rdsMock.on(DescribeDBInstancesCommand).callsFake(slow({ DBInstances: [{
      DBInstanceIdentifier: 'appdb', Engine: 'mysql', DBInstanceStatus: 'available', Endpoint: { Address: 'appdb.x.rds.amazonaws.com', Port: 3306 },
      AvailabilityZone: 'eu-west-1b', VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-db' }],
      DBSubnetGroup: { VpcId: 'vpc-1', Subnets: [{ SubnetIdentifier: 'subnet-a', SubnetAvailabilityZone: { Name: 'eu-west-1a' } }, { SubnetIdentifier: 'subnet-b', SubnetAvailabilityZone: { Name: 'eu-west-1b' } }] },
    }] }));
    ec2Mock.on(DescribeSecurityGroupsCommand).callsFake(slow({ SecurityGroups: [
      { GroupId: 'sg-app', IpPermissions: [], IpPermissionsEgress: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, PrefixListIds: [{ PrefixListId: 'pl-db' }] }] },
      { GroupId: 'sg-db', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: 'sg-app' }] }], IpPermissionsEgress: [] },
    ] }));
    ec2Mock.on(DescribeSubnetsCommand).callsFake(slow({ Subnets: [
      { SubnetId: 'subnet-pub', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24' },
      { SubnetId: 'subnet-a', VpcId: 'vpc-1', CidrBlock: '10.0.10.0/24' },
      { SubnetId: 'subnet-b', VpcId: 'vpc-1', CidrBlock: '10.0.11.0/24' },
    ] }));
    ec2Mock.on(DescribeNetworkAclsCommand).rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
    ec2Mock.on(DescribeRouteTablesCommand).callsFake(slow({ RouteTables: [{ RouteTableId: 'rtb-1', VpcId: 'vpc-1', Associations: [{ Main: true }], Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }] }] }));
    ec2Mock.on(DescribeVpcAttributeCommand).callsFake(slow({ EnableDnsSupport: { Value: true } }));
    ec2Mock.on(GetManagedPrefixListEntriesCommand).resolves({ Entries: [{ Cidr: '10.0.11.0/24' }] });
  });
  after(() => {
    ec2Mock.restore();
    rdsMock.restore();
  });

  it('batches ids into one call per type, runs the second round at once, and reads a named prefix list', async () => {
    const state = await readDiagnosisState(clients, 'eu-west-1', { instanceId: 'i-app', db: { kind: 'instance', id: 'appdb' } }, { resolve: async () => ['10.0.11.37'] });
    const calls = [...ec2Mock.calls(), ...rdsMock.calls()].map((c) => c.args[0].constructor.name);
    assert.deepEqual(calls.sort(), [
      'DescribeDBInstancesCommand', 'DescribeInstancesCommand', 'DescribeNetworkAclsCommand', 'DescribeRouteTablesCommand', 'DescribeSecurityGroupsCommand',
      'DescribeSubnetsCommand', 'DescribeVpcAttributeCommand', 'GetManagedPrefixListEntriesCommand',
    ]);
    assert.deepEqual(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0].args[0].input, { GroupIds: ['sg-app', 'sg-db'] });
    assert.deepEqual(ec2Mock.commandCalls(DescribeSubnetsCommand)[0].args[0].input, { SubnetIds: ['subnet-pub', 'subnet-a', 'subnet-b'] });
    assert.deepEqual(ec2Mock.commandCalls(DescribeNetworkAclsCommand)[0].args[0].input, { Filters: [{ Name: 'association.subnet-id', Values: ['subnet-pub', 'subnet-a', 'subnet-b'] }] });
    // Round 1 (instance ‖ DB) and round 2 (groups ‖ subnets ‖ route tables ‖ DNS) each wait together.
    assert.ok(most >= 4, `at most ${most} calls were in flight at once`);
    // The DNS answer placed the DB in its subnet; the NACL read that failed is unknown, not empty.
    assert.deepEqual([state.db.ipv4, state.db.subnetId, state.db.located], ['10.0.11.37', 'subnet-b', 'dns']);
    assert.equal(state.nacls, undefined);
    assert.deepEqual(state.prefixLists?.get('pl-db'), ['10.0.11.0/24']);
    assert.equal(state.vpcDns?.[0].enableDnsHostnames, undefined);
  });

  it('without a DNS answer, the subnet of the DB\'s zone stands in', async () => {
    const state = await readDiagnosisState(clients, 'eu-west-1', { instanceId: 'i-app', db: { kind: 'instance', id: 'appdb' } }, { resolve: async () => ['52.1.2.3'] });
    assert.deepEqual([state.db.ipv4, state.db.subnetId, state.db.located], [undefined, 'subnet-b', 'zone']);
  });
});
