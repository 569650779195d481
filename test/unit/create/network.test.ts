import * as assert from 'node:assert/strict';
import { classifySubnets, subnetGroupOptions, type RouteTableInfo, type SubnetInfo } from '../../../src/core/aws/create';

const VPC = 'vpc-1';
const subnet = (id: string, az: string, vpcId = VPC): SubnetInfo => ({ id, vpcId, availabilityZone: az });
const table = (id: string, over: Partial<RouteTableInfo> = {}): RouteTableInfo => ({ id, vpcId: VPC, main: false, subnetIds: [], gatewayIds: ['local'], ...over });

describe('create: where a new DB goes in a VPC', () => {
  it('calls a subnet public when its own table, else the main table, routes to an internet gateway', () => {
    const subnets = [subnet('s-pub', 'a'), subnet('s-priv', 'b'), subnet('s-main', 'c')];
    const tables = [
      table('rtb-main', { main: true, gatewayIds: ['local', 'igw-1'] }),
      table('rtb-pub', { subnetIds: ['s-pub'], gatewayIds: ['local', 'igw-1'] }),
      table('rtb-priv', { subnetIds: ['s-priv'], gatewayIds: ['local', 'nat-1'] }),
    ];
    assert.deepEqual(classifySubnets(subnets, tables).map((s) => [s.id, s.public]), [['s-pub', true], ['s-priv', false], ['s-main', true]]);
  });

  it('uses existing groups of the VPC spanning two AZs, and ignores single-AZ and other VPCs\' groups', () => {
    const options = subnetGroupOptions(VPC, [
      { name: 'one-az', vpcId: VPC, subnetIds: ['s1'], availabilityZones: ['a'] },
      { name: 'other-vpc', vpcId: 'vpc-2', subnetIds: ['x', 'y'], availabilityZones: ['a', 'b'] },
      { name: 'good', vpcId: VPC, subnetIds: ['s1', 's2'], availabilityZones: ['a', 'b'] },
    ], []);
    assert.deepEqual(options.usable.map((g) => g.name), ['good']);
  });

  it('proposes a group of the private subnets when they span two AZs', () => {
    const subnets = classifySubnets([subnet('s-pub', 'a'), subnet('s-b', 'b'), subnet('s-a', 'a'), subnet('s-c', 'c')], [
      table('rtb-main', { main: true }),
      table('rtb-pub', { subnetIds: ['s-pub'], gatewayIds: ['igw-1'] }),
    ]);
    const options = subnetGroupOptions(VPC, [], subnets);
    assert.deepEqual(options.proposal, { name: 'rds-link-vpc-1', subnetIds: ['s-a', 's-b', 's-c'], availabilityZones: ['a', 'b', 'c'] });
    assert.equal(options.problem, undefined);
  });

  it('says when the VPC has only public subnets', () => {
    const subnets = classifySubnets([subnet('s1', 'a'), subnet('s2', 'b')], [table('rtb-main', { main: true, gatewayIds: ['igw-1'] })]);
    const options = subnetGroupOptions(VPC, [], subnets);
    assert.equal(options.proposal, undefined);
    assert.equal(options.onlyPublic, true);
    assert.match(options.problem ?? '', /only public subnets/);
  });

  it('says when the private subnets sit in one AZ, and when there are none', () => {
    const subnets = classifySubnets([subnet('s1', 'a'), subnet('s2', 'a')], [table('rtb-main', { main: true })]);
    assert.match(subnetGroupOptions(VPC, [], subnets).problem ?? '', /all in a; RDS needs subnets in at least two/);
    assert.match(subnetGroupOptions(VPC, [], []).problem ?? '', /no subnets/);
  });
});
