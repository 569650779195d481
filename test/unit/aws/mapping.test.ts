import * as assert from 'node:assert/strict';
import { classifyAwsError } from '../../../src/core/aws/awsErrors';
import { ec2InstanceConsoleUrl, rdsConsoleUrl } from '../../../src/core/aws/consoleUrls';
import { isTransitional, toEc2Instance } from '../../../src/core/aws/ec2';
import { matchesDatabase, matchesInstance } from '../../../src/core/aws/filter';
import { isModifiable } from '../../../src/core/aws/capabilities';
import { toDbCluster, toDbInstance } from '../../../src/core/aws/rds';
import { isMysqlFamily } from '../../../src/core/aws/types';

describe('EC2 mapping', () => {
  const sdk = {
    InstanceId: 'i-0abc',
    State: { Name: 'running' as const, Code: 16 },
    InstanceType: 't3.micro' as const,
    PrivateIpAddress: '10.0.1.5',
    PublicIpAddress: '3.3.3.3',
    VpcId: 'vpc-1',
    SubnetId: 'subnet-1',
    ImageId: 'ami-1',
    PlatformDetails: 'Linux/UNIX',
    Tags: [{ Key: 'Name', Value: 'web-1' }, { Key: 'env', Value: 'prod' }],
    SecurityGroups: [{ GroupId: 'sg-a' }],
    NetworkInterfaces: [
      { NetworkInterfaceId: 'eni-2', Attachment: { DeviceIndex: 1 }, Groups: [{ GroupId: 'sg-b' }] },
      { NetworkInterfaceId: 'eni-1', Attachment: { DeviceIndex: 0 }, Groups: [{ GroupId: 'sg-a' }] },
    ],
  };

  it('maps an instance, primary interface first', () => {
    const i = toEc2Instance(sdk, 'eu-west-1');
    assert.equal(i.name, 'web-1');
    assert.equal(i.state, 'running');
    assert.equal(i.region, 'eu-west-1');
    assert.deepEqual(i.networkInterfaces.map((n) => n.id), ['eni-1', 'eni-2']);
    assert.deepEqual(i.tags, { Name: 'web-1', env: 'prod' });
  });

  it('falls back to the id without a Name tag, and to unknown for odd states', () => {
    const i = toEc2Instance({ InstanceId: 'i-9', State: { Name: 'weird' as never } }, 'us-east-1');
    assert.equal(i.name, undefined);
    assert.equal(i.state, 'unknown');
    assert.deepEqual(i.networkInterfaces, []);
  });

  it('knows the transitional states', () => {
    assert.deepEqual((['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'] as const).filter(isTransitional), ['pending', 'stopping', 'shutting-down']);
  });

  it('filters by name, tag, state and id, every word having to match', () => {
    const i = toEc2Instance(sdk, 'eu-west-1');
    assert.ok(matchesInstance(i, 'web'));
    assert.ok(matchesInstance(i, 'env=prod running'));
    assert.ok(matchesInstance(i, 'I-0ABC'));
    assert.ok(!matchesInstance(i, 'web stopped'));
  });
});

describe('RDS mapping', () => {
  it('maps a DB instance, tolerating a missing subnet group (moto)', () => {
    const d = toDbInstance({
      DBInstanceIdentifier: 'app-db', Engine: 'mysql', EngineVersion: '8.0.39', DBInstanceStatus: 'available',
      Endpoint: { Address: 'app-db.x.rds.amazonaws.com', Port: 3306 }, VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-1' }],
      MasterUserSecret: { SecretArn: 'arn:aws:secretsmanager:x' }, PubliclyAccessible: false,
    }, 'us-east-1');
    assert.equal(d.vpcId, undefined);
    assert.equal(d.masterUserSecretArn, 'arn:aws:secretsmanager:x');
    assert.deepEqual(d.endpoint, { address: 'app-db.x.rds.amazonaws.com', port: 3306 });
    assert.ok(isModifiable(d));
  });

  it('gives a cluster the VPC of its members and its own port', () => {
    const c = toDbCluster({
      DBClusterIdentifier: 'aur', Engine: 'aurora-mysql', Status: 'available', Endpoint: 'aur.cluster-x', ReaderEndpoint: 'aur.cluster-ro-x', Port: 3306,
      DBClusterMembers: [{ DBInstanceIdentifier: 'aur-1' }],
    }, 'us-east-1', new Map([['aur-1', 'vpc-9']]));
    assert.equal(c.kind, 'cluster');
    assert.equal(c.vpcId, 'vpc-9');
    assert.deepEqual(c.memberIds, ['aur-1']);
    assert.equal(c.readerEndpoint?.address, 'aur.cluster-ro-x');
  });

  it('uses the engine default port when RDS reports none', () => {
    const d = toDbInstance({ DBInstanceIdentifier: 'pg', Engine: 'postgres', Endpoint: { Address: 'pg.x' } }, 'us-east-1');
    assert.equal(d.endpoint?.port, 5432);
  });

  it('supports only the MySQL family', () => {
    assert.deepEqual(['mysql', 'mariadb', 'aurora-mysql', 'postgres', 'aurora-postgresql', 'oracle-ee'].filter(isMysqlFamily), ['mysql', 'mariadb', 'aurora-mysql']);
  });

  it('filters databases by engine and status', () => {
    const d = toDbInstance({ DBInstanceIdentifier: 'orders', Engine: 'mariadb', DBInstanceStatus: 'modifying' }, 'us-east-1');
    assert.ok(matchesDatabase(d, 'maria modifying'));
    assert.ok(!matchesDatabase(d, 'postgres'));
    assert.ok(!isModifiable(d));
  });
});

describe('AWS error classification', () => {
  it('names the missing permission from the message, else the attempted operation', () => {
    const fromMessage = classifyAwsError(Object.assign(new Error('User: arn:x is not authorized to perform: rds:DescribeDBClusters on resource'), { name: 'AccessDenied' }), 'rds:DescribeDBInstances', 'p');
    assert.deepEqual([fromMessage.kind, (fromMessage as { permission: string }).permission], ['accessDenied', 'rds:DescribeDBClusters']);
    const fallback = classifyAwsError(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' }), 'ec2:DescribeInstances', 'p');
    assert.equal((fallback as { permission: string }).permission, 'ec2:DescribeInstances');
  });

  it('tells no credentials, expired SSO and unreachable endpoints apart', () => {
    assert.equal(classifyAwsError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'x', 'p').kind, 'noCredentials');
    const sso = classifyAwsError(Object.assign(new Error('The SSO session associated with this profile has expired or is otherwise invalid.'), { name: 'CredentialsProviderError' }), 'x', 'dev');
    assert.equal(sso.kind, 'ssoExpired');
    assert.match(sso.message, /aws sso login --profile dev/);
    assert.equal(classifyAwsError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'x', 'p').kind, 'unreachable');
    assert.equal(classifyAwsError(new Error('Throttling'), 'x', 'p').kind, 'other');
  });
});

describe('console URLs', () => {
  it('point at the resource in its region', () => {
    assert.equal(ec2InstanceConsoleUrl('eu-west-1', 'i-1'), 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-1');
    assert.match(rdsConsoleUrl({ region: 'us-east-2', id: 'aur', kind: 'cluster' }), /#database:id=aur;is-cluster=true$/);
  });
});
