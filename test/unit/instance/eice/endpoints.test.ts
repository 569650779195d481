import * as assert from 'node:assert/strict';
import { chooseInstanceConnectEndpoint, type InstanceConnectEndpoint } from '../../../../src/core/instance/eice/endpoints';

const ep = (id: string, over: Partial<InstanceConnectEndpoint> = {}): InstanceConnectEndpoint => ({
  id, dnsName: `${id}.x.ec2-instance-connect-endpoint.eu-west-1.amazonaws.com`, vpcId: 'vpc-1', subnetId: 'subnet-other', availabilityZone: 'eu-west-1b', securityGroupIds: [], state: 'create-complete', ...over,
});

describe('choosing the EC2 Instance Connect Endpoint', () => {
  const place = { vpcId: 'vpc-1', subnetId: 'subnet-a', availabilityZone: 'eu-west-1a' };

  it('prefers the instance\'s subnet, then its AZ, then the VPC', () => {
    const all = [ep('eice-vpc'), ep('eice-az', { availabilityZone: 'eu-west-1a' }), ep('eice-subnet', { subnetId: 'subnet-a', availabilityZone: 'eu-west-1a' })];
    assert.deepEqual(chooseInstanceConnectEndpoint(all, place)?.endpoint.id, 'eice-subnet');
    assert.equal(chooseInstanceConnectEndpoint(all, place)?.match, 'subnet');
    assert.equal(chooseInstanceConnectEndpoint(all.slice(0, 2), place)?.match, 'availabilityZone');
    assert.deepEqual(chooseInstanceConnectEndpoint(all.slice(0, 1), place), { endpoint: all[0], match: 'vpc' });
  });

  it('skips endpoints of other VPCs and those not ready (being created or deleted)', () => {
    const all = [ep('eice-other-vpc', { vpcId: 'vpc-2', subnetId: 'subnet-a' }), ep('eice-creating', { subnetId: 'subnet-a', state: 'create-in-progress' }), ep('eice-deleting', { state: 'delete-in-progress' })];
    assert.equal(chooseInstanceConnectEndpoint(all, place), undefined);
    assert.equal(chooseInstanceConnectEndpoint([...all, ep('eice-updating', { state: 'update-in-progress' })], place)?.endpoint.id, 'eice-updating');
  });

  it('finds none for an instance without a subnet or AZ only when the VPC has none', () => {
    assert.equal(chooseInstanceConnectEndpoint([], { vpcId: 'vpc-1' }), undefined);
    assert.equal(chooseInstanceConnectEndpoint([ep('eice-1')], { vpcId: 'vpc-1' })?.match, 'vpc');
  });
});
