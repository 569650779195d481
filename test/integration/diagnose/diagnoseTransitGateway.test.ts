// The route check through a transit gateway against moto: an instance in a VPC of its own, joined
// to the sandbox VPC (goapp-db) by a TGW. What moto serves: the attachments with their association,
// the route search; what it gets wrong (covered in test/unit/diagnose/transitGateways.test.ts): it
// propagates nothing, ignores the longest-prefix-match filter and answers a static route's
// attachment as an empty list, so a route it holds leads "nowhere known" here.
import * as assert from 'node:assert/strict';
import {
  CreateRouteCommand, CreateSubnetCommand, CreateTransitGatewayCommand, CreateTransitGatewayRouteCommand, CreateTransitGatewayVpcAttachmentCommand,
  CreateVpcCommand, DeleteTransitGatewayRouteCommand, DescribeRouteTablesCommand, RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { Diagnosis } from '../../../src/core/diagnose/types';
import { startMoto, type MotoServer } from '../support';
import { diagnoseCounted, seedUnlinkedPair, type Scenario } from './scenario';

const summary = (d: Diagnosis): string => d.checks.map((c) => `${c.id} ${c.status}: ${c.evidence.join(' ')}`).join('\n');

describe('diagnose against moto: a route through a transit gateway', function () {
  let moto: MotoServer;
  let s: Scenario;
  let web = '';
  let tgwTable = '';
  let dbAttachment = '';

  before(async () => {
    moto = await startMoto();
    s = await seedUnlinkedPair(moto.endpoint);
    const { ec2 } = s;
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc?.VpcId ?? '';
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.40.1.0/24' }))).Subnet?.SubnetId ?? '';
    web = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: subnet }))).Instances?.[0]?.InstanceId ?? '';
    const tgw = (await ec2.send(new CreateTransitGatewayCommand({ Description: 'joins the web VPC and the DB VPC' }))).TransitGateway;
    const tgwId = tgw?.TransitGatewayId ?? '';
    tgwTable = tgw?.Options?.AssociationDefaultRouteTableId ?? '';
    await ec2.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgwId, VpcId: vpc, SubnetIds: [subnet] }));
    dbAttachment = (await ec2.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgwId, VpcId: s.ids.vpcId, SubnetIds: [s.ids.privateSubnetIds[0]] })))
      .TransitGatewayVpcAttachment?.TransitGatewayAttachmentId ?? '';
    // Each VPC's route tables send the other VPC's block to the TGW.
    const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc, s.ids.vpcId] }] }))).RouteTables ?? [];
    for (const table of tables) {
      const other = table.VpcId === vpc ? '10.20.0.0/16' : '10.40.0.0/16';
      await ec2.send(new CreateRouteCommand({ RouteTableId: table.RouteTableId, DestinationCidrBlock: other, TransitGatewayId: tgwId }));
    }
  });
  after(async () => {
    s?.dispose();
    await moto?.stop();
  });

  it('reads the attachments and searches the TGW route table; with no route there, both ways fail, naming the table', async () => {
    const { diagnosis, calls } = await diagnoseCounted(moto.endpoint, web);
    const toDb = diagnosis.checks.find((c) => c.id === 'routeToDb');
    assert.equal(toDb?.status, 'fail', summary(diagnosis));
    assert.match(toDb?.evidence.join(' ') ?? '', /→ tgw-/);
    assert.match(toDb?.evidence.join(' ') ?? '', new RegExp(`${tgwTable} \\(the route table of vpc-[0-9a-f]+, attachment tgw-attach-[0-9a-f]+\\) has no route to 10\\.20\\.`));
    assert.match(toDb?.fix?.kind === 'text' ? toDb.fix.message : '', new RegExp(`propagate attachment ${dbAttachment}`));
    assert.equal(diagnosis.checks.find((c) => c.id === 'routeToInstance')?.status, 'fail', summary(diagnosis));
    const operations = calls.map((c) => c.operation);
    assert.equal(operations.filter((o) => o === 'DescribeTransitGatewayAttachments').length, 1, operations.join(', '));
    // One route table (the TGW's default) searched for each side's address.
    assert.equal(operations.filter((o) => o === 'SearchTransitGatewayRoutes').length, 2, operations.join(', '));
  });

  it('with static routes both ways, moto loses their attachments: the legs are unknown, not passed', async () => {
    await s.ec2.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: tgwTable, DestinationCidrBlock: '10.20.0.0/16', TransitGatewayAttachmentId: dbAttachment }));
    await s.ec2.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: tgwTable, DestinationCidrBlock: '10.40.0.0/16', Blackhole: true }));
    const { diagnosis } = await diagnoseCounted(moto.endpoint, web);
    const toDb = diagnosis.checks.find((c) => c.id === 'routeToDb');
    assert.equal(toDb?.status, 'unknown', summary(diagnosis));
    assert.match(toDb?.evidence.join(' ') ?? '', /10\.20\.0\.0\/16 → \?, static\. The route names no attachment/);
    // The way back is a blackhole in the TGW table.
    const back = diagnosis.checks.find((c) => c.id === 'routeToInstance');
    assert.equal(back?.status, 'fail', summary(diagnosis));
    assert.match(back?.evidence.join(' ') ?? '', /10\.40\.0\.0\/16 → \?, static\. It is a blackhole\./);
    await s.ec2.send(new DeleteTransitGatewayRouteCommand({ TransitGatewayRouteTableId: tgwTable, DestinationCidrBlock: '10.40.0.0/16' }));
  });
});
