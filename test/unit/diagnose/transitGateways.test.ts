/**
 * The transit gateway leg of the route checks, over tables of described state (what AWS answers,
 * including what moto answers differently), and the reads it makes, with aws-sdk-client-mock.
 */
import * as assert from 'node:assert/strict';
import {
  DescribeInstancesCommand, DescribeNetworkAclsCommand, DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand,
  DescribeTransitGatewayAttachmentsCommand, DescribeVpcAttributeCommand, EC2Client, SearchTransitGatewayRoutesCommand,
} from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { diagnose } from '../../../src/core/diagnose/evaluate';
import { readDiagnosisState } from '../../../src/core/diagnose/reads';
import { longestMatch } from '../../../src/core/diagnose/transitGateways';
import type { Check, CheckId, DiagnosisState, TransitGatewayAttachment, TransitGatewayRoute, TransitGatewayRouting } from '../../../src/core/diagnose/types';
import { referencePair, state } from './builders';

const DB_ADDR = '10.1.11.20/32';
const APP_ADDR = '10.0.1.10/32';
const att = (id: string, vpc: string, routeTableId = 'tgw-rtb-1', over: Partial<TransitGatewayAttachment> = {}): TransitGatewayAttachment =>
  ({ id, transitGatewayId: 'tgw-1', resourceType: 'vpc', resourceId: vpc, state: 'available', routeTableId, ...over });
const route = (destination: string, to: { id?: string; resourceId?: string; resourceType?: string }[], over: Partial<TransitGatewayRoute> = {}): TransitGatewayRoute =>
  ({ destination, state: 'active', type: 'propagated', attachments: to, ...over });
const A_APP = { id: 'tgw-attach-app', resourceId: 'vpc-1', resourceType: 'vpc' };
const A_DB = { id: 'tgw-attach-db', resourceId: 'vpc-2', resourceType: 'vpc' };

/** The instance in vpc-1 (10.0.0.0/16), the DB in vpc-2 (10.1.0.0/16), each VPC's route to the other through tgw-1. */
function twoVpcs(routing: TransitGatewayRouting | undefined): DiagnosisState {
  const base = state(referencePair());
  return {
    ...base,
    db: { ...base.db, vpcId: 'vpc-2', ipv4: '10.1.11.20' },
    subnets: [...(base.subnets ?? []).slice(0, 1), { id: 'subnet-db', vpcId: 'vpc-2', cidr: '10.1.11.0/24', ipv6Cidrs: [] }],
    routeTables: [
      { id: 'rtb-1', vpcId: 'vpc-1', main: true, subnetIds: [], routes: [{ destination: '10.0.0.0/16', target: 'local' }, { destination: '10.1.0.0/16', target: 'tgw-1', state: 'active' }] },
      { id: 'rtb-2', vpcId: 'vpc-2', main: true, subnetIds: [], routes: [{ destination: '10.1.0.0/16', target: 'local' }, { destination: '10.0.0.0/8', target: 'tgw-1', state: 'active' }] },
    ],
    transitGateways: routing,
  };
}

/** Both VPCs attached to tgw-1's one route table, each VPC's CIDR propagated, with `over` on top. */
function routing(over: { attachments?: TransitGatewayAttachment[]; toDb?: TransitGatewayRoute[]; toApp?: TransitGatewayRoute[] } = {}): TransitGatewayRouting {
  const toDb = over.toDb ?? [route('10.1.0.0/16', [A_DB])];
  const toApp = over.toApp ?? [route('10.0.0.0/16', [A_APP])];
  return {
    attachments: over.attachments ?? [att('tgw-attach-app', 'vpc-1'), att('tgw-attach-db', 'vpc-2')],
    routes: new Map([['tgw-rtb-1', new Map([[DB_ADDR, toDb], [APP_ADDR, toApp]])]]),
  };
}

function check(s: DiagnosisState, id: CheckId): Check {
  const c = diagnose(s).checks.find((x) => x.id === id);
  assert.ok(c, `no check ${id}`);
  return c;
}
const fixText = (c: Check): string => (c.fix?.kind === 'text' ? c.fix.message : '');

describe('diagnose: a route through a transit gateway', () => {
  it('passes both ways when the TGW route table sends each address to the other VPC\'s attachment, and says so', () => {
    const s = twoVpcs(routing());
    const to = check(s, 'routeToDb');
    assert.equal(to.status, 'pass', to.evidence.join(' '));
    assert.deepEqual(to.evidence, [
      'rtb-1: 10.1.0.0/16 → tgw-1.',
      'tgw-rtb-1 (the route table of vpc-1, attachment tgw-attach-app): 10.1.0.0/16 → tgw-attach-db (vpc-2), propagated.',
    ]);
    const back = check(s, 'routeToInstance');
    assert.equal(back.status, 'pass', back.evidence.join(' '));
    assert.match(back.evidence[1], /10\.0\.0\.0\/16 → tgw-attach-app \(vpc-1\)/);
  });

  it('the most specific TGW route wins, also when the answer holds every route (moto ignores the filter)', () => {
    const wrongWide = route('10.0.0.0/8', [{ id: 'tgw-attach-other', resourceId: 'vpc-9', resourceType: 'vpc' }]);
    const s = twoVpcs(routing({ toDb: [wrongWide, route('10.1.11.0/24', [A_DB], { type: 'static' }), route('10.9.0.0/16', [], { state: 'blackhole', type: 'static' })] }));
    const to = check(s, 'routeToDb');
    assert.equal(to.status, 'pass', to.evidence.join(' '));
    assert.match(to.evidence[1], /10\.1\.11\.0\/24 → tgw-attach-db \(vpc-2\), static/);
    // The wide route alone leads elsewhere.
    const elsewhere = check(twoVpcs(routing({ toDb: [wrongWide] })), 'routeToDb');
    assert.equal(elsewhere.status, 'fail');
    assert.match(elsewhere.evidence[1], /leads to another VPC, not vpc-2/);
    assert.match(fixText(elsewhere), /In tgw-rtb-1, propagate attachment tgw-attach-db of vpc-2, or add a static route to 10\.1\.11\.20\/32 through it/);
  });

  it('fails with the fix: no attachment of the VPC, one not available, one associated with no route table', () => {
    const none = check(twoVpcs(routing({ attachments: [att('tgw-attach-db', 'vpc-2')] })), 'routeToDb');
    assert.equal(none.status, 'fail');
    assert.match(none.evidence[1], /tgw-1 has no attachment of vpc-1/);
    assert.match(fixText(none), /Attach vpc-1 to transit gateway tgw-1/);
    const pending = check(twoVpcs(routing({ attachments: [att('tgw-attach-app', 'vpc-1', 'tgw-rtb-1', { state: 'pendingAcceptance' }), att('tgw-attach-db', 'vpc-2')] })), 'routeToDb');
    assert.equal(pending.status, 'fail');
    assert.match(pending.evidence[1], /attachment tgw-attach-app of vpc-1 is pendingAcceptance, not available/);
    const loose = check(twoVpcs(routing({ attachments: [att('tgw-attach-app', 'vpc-1', 'tgw-rtb-1', { routeTableId: undefined }), att('tgw-attach-db', 'vpc-2')] })), 'routeToDb');
    assert.equal(loose.status, 'fail');
    assert.match(loose.evidence[1], /associated with no route table/);
    assert.match(fixText(loose), /Associate attachment tgw-attach-app with a route table of tgw-1/);
  });

  it('fails on no route and on a blackhole in the TGW table; the fix names the attachment to propagate', () => {
    const noRoute = check(twoVpcs(routing({ toApp: [] })), 'routeToInstance');
    assert.equal(noRoute.status, 'fail');
    assert.match(noRoute.evidence[1], /tgw-rtb-1 \(the route table of vpc-2, attachment tgw-attach-db\) has no route to 10\.0\.1\.10\/32/);
    assert.match(fixText(noRoute), /propagate attachment tgw-attach-app of vpc-1/);
    const hole = check(twoVpcs(routing({ toDb: [route('10.1.0.0/16', [], { state: 'blackhole', type: 'static' })] })), 'routeToDb');
    assert.equal(hole.status, 'fail');
    assert.match(hole.evidence[1], /It is a blackhole/);
    // No attachment of the DB's VPC at all: the fix says to attach it first.
    const noBack = check(twoVpcs(routing({ attachments: [att('tgw-attach-app', 'vpc-1')], toDb: [] })), 'routeToDb');
    assert.match(fixText(noBack), /Attach vpc-2 to transit gateway tgw-1, then propagate its attachment into tgw-rtb-1/);
  });

  it('unknown: the TGW not read, a route that names no attachment (moto\'s static routes), a VPN attachment', () => {
    const unread = check(twoVpcs(undefined), 'routeToDb');
    assert.equal(unread.status, 'unknown');
    assert.match(unread.evidence[1], /route tables of transit gateway tgw-1 could not be read/);
    // moto answers a static route's attachment as an empty list.
    const moto = check(twoVpcs(routing({ toDb: [route('10.1.0.0/16', [], { type: 'static' })] })), 'routeToDb');
    assert.equal(moto.status, 'unknown');
    assert.match(moto.evidence[1], /names no attachment/);
    const vpn = check(twoVpcs(routing({ toDb: [route('10.1.0.0/16', [{ id: 'tgw-attach-vpn', resourceType: 'vpn', resourceId: 'vpn-1' }])] })), 'routeToDb');
    assert.equal(vpn.status, 'unknown');
    assert.match(vpn.evidence[1], /leads to a vpn attachment/);
    const table = check({ ...twoVpcs(routing()), transitGateways: { ...routing(), routes: new Map() } }, 'routeToDb');
    assert.equal(table.status, 'unknown');
    assert.match(table.evidence[1], /routes of tgw-rtb-1 could not be read/);
  });

  it('longestMatch takes a prefix-list route only when no CIDR route covers the address', () => {
    const pl = route('', [A_DB], { destination: undefined, prefixListId: 'pl-1' });
    assert.equal(longestMatch([pl], DB_ADDR), pl);
    const cidr = route('10.1.0.0/16', [A_DB]);
    assert.equal(longestMatch([pl, cidr], DB_ADDR), cidr);
    assert.equal(longestMatch([route('10.2.0.0/16', [A_DB])], DB_ADDR), undefined);
  });
});

describe('diagnose: the transit gateway reads', () => {
  const ec2Mock = mockClient(EC2Client);
  const rdsMock = mockClient(RDSClient);
  const creds = { accessKeyId: 't', secretAccessKey: 't' };
  const clients = { ec2: new EC2Client({ region: 'eu-west-1', credentials: creds }), rds: new RDSClient({ region: 'eu-west-1', credentials: creds }) };

  beforeEach(() => {
    ec2Mock.reset();
    rdsMock.reset();
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{
      InstanceId: 'i-app', State: { Name: 'running' }, VpcId: 'vpc-1', SubnetId: 'subnet-pub', PrivateIpAddress: '10.0.1.10',
      NetworkInterfaces: [{ NetworkInterfaceId: 'eni-app', Attachment: { DeviceIndex: 0 }, SubnetId: 'subnet-pub', VpcId: 'vpc-1', PrivateIpAddress: '10.0.1.10', Groups: [{ GroupId: 'sg-app' }] }],
    }] }] });
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{
      DBInstanceIdentifier: 'appdb', Engine: 'mysql', DBInstanceStatus: 'available', Endpoint: { Address: 'appdb.x.rds.amazonaws.com', Port: 3306 },
      AvailabilityZone: 'eu-west-1a', VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-db' }],
      DBSubnetGroup: { VpcId: 'vpc-2', Subnets: [{ SubnetIdentifier: 'subnet-db', SubnetAvailabilityZone: { Name: 'eu-west-1a' } }] },
    }] });
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2Mock.on(DescribeSubnetsCommand).resolves({ Subnets: [
      { SubnetId: 'subnet-pub', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24' },
      { SubnetId: 'subnet-db', VpcId: 'vpc-2', CidrBlock: '10.1.11.0/24' },
    ] });
    ec2Mock.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: [] });
    ec2Mock.on(DescribeRouteTablesCommand).resolves({ RouteTables: [
      { RouteTableId: 'rtb-1', VpcId: 'vpc-1', Associations: [{ Main: true }], Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }, { DestinationCidrBlock: '10.1.0.0/16', TransitGatewayId: 'tgw-1', State: 'active' }] },
      { RouteTableId: 'rtb-2', VpcId: 'vpc-2', Associations: [{ Main: true }], Routes: [{ DestinationCidrBlock: '10.1.0.0/16', GatewayId: 'local' }, { DestinationCidrBlock: '10.0.0.0/16', TransitGatewayId: 'tgw-1', State: 'active' }] },
    ] });
    ec2Mock.on(DescribeVpcAttributeCommand).resolves({ EnableDnsSupport: { Value: true } });
    ec2Mock.on(DescribeTransitGatewayAttachmentsCommand).resolves({ TransitGatewayAttachments: [
      { TransitGatewayAttachmentId: 'tgw-attach-app', TransitGatewayId: 'tgw-1', ResourceType: 'vpc', ResourceId: 'vpc-1', State: 'available', Association: { TransitGatewayRouteTableId: 'tgw-rtb-app', State: 'associated' } },
      { TransitGatewayAttachmentId: 'tgw-attach-db', TransitGatewayId: 'tgw-1', ResourceType: 'vpc', ResourceId: 'vpc-2', State: 'available', Association: { TransitGatewayRouteTableId: 'tgw-rtb-db', State: 'associated' } },
    ] });
    ec2Mock.on(SearchTransitGatewayRoutesCommand, { TransitGatewayRouteTableId: 'tgw-rtb-app' }).resolves({ Routes: [
      { DestinationCidrBlock: '10.1.0.0/16', State: 'active', Type: 'propagated', TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'tgw-attach-db', ResourceId: 'vpc-2', ResourceType: 'vpc' }] },
    ] });
    ec2Mock.on(SearchTransitGatewayRoutesCommand, { TransitGatewayRouteTableId: 'tgw-rtb-db' }).resolves({ Routes: [] });
  });
  after(() => {
    ec2Mock.restore();
    rdsMock.restore();
  });

  it('reads the attachments of both VPCs once, then searches each attachment\'s route table for the other side\'s address', async () => {
    const s = await readDiagnosisState(clients, 'eu-west-1', { instanceId: 'i-app', db: { kind: 'instance', id: 'appdb' } }, { resolve: async () => ['10.1.11.20'] });
    const calls = [...ec2Mock.calls(), ...rdsMock.calls()].map((c) => c.args[0].constructor.name);
    assert.equal(calls.length, 10, calls.join(', '));
    assert.deepEqual(ec2Mock.commandCalls(DescribeTransitGatewayAttachmentsCommand).map((c) => ({ Filters: c.args[0].input.Filters })), [{ Filters: [
      { Name: 'transit-gateway-id', Values: ['tgw-1'] }, { Name: 'resource-type', Values: ['vpc'] }, { Name: 'resource-id', Values: ['vpc-1', 'vpc-2'] },
    ] }]);
    const searches = ec2Mock.commandCalls(SearchTransitGatewayRoutesCommand).map((c) => c.args[0].input);
    assert.deepEqual(searches.map((i) => [i.TransitGatewayRouteTableId, i.Filters]).sort(), [
      ['tgw-rtb-app', [{ Name: 'route-search.longest-prefix-match', Values: ['10.1.11.20/32'] }]],
      ['tgw-rtb-db', [{ Name: 'route-search.longest-prefix-match', Values: ['10.0.1.10/32'] }]],
    ]);
    const d = diagnose(s);
    assert.equal(d.checks.find((c) => c.id === 'routeToDb')?.status, 'pass');
    // The DB's TGW route table has no way back.
    const back = d.checks.find((c) => c.id === 'routeToInstance');
    assert.equal(back?.status, 'fail');
    assert.match(back?.evidence[1] ?? '', /tgw-rtb-db .* has no route to 10\.0\.1\.10\/32/);
  });

  it('an attachment read that fails leaves the TGW legs unknown; no search is made', async () => {
    ec2Mock.on(DescribeTransitGatewayAttachmentsCommand).rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
    const s = await readDiagnosisState(clients, 'eu-west-1', { instanceId: 'i-app', db: { kind: 'instance', id: 'appdb' } }, { resolve: async () => ['10.1.11.20'] });
    assert.equal(s.transitGateways, undefined);
    assert.equal(ec2Mock.commandCalls(SearchTransitGatewayRoutesCommand).length, 0);
    assert.equal(diagnose(s).checks.find((c) => c.id === 'routeToDb')?.status, 'unknown');
  });
});
