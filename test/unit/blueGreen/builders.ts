/** Builders for Blue/Green tests: a test states what differs from an ordinary DB or deployment. */
import type { BlueGreenDeployment, BlueGreenSourceDb } from '../../../src/core/aws/blueGreen';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';

export function dbArn(id: string, type: 'db' | 'cluster' = 'db'): string {
  return `arn:aws:rds:${REGION}:${ACCOUNT}:${type}:${id}`;
}

/** An available MySQL 8.0 instance with a self-managed password and 7 days of backups. */
export function sourceDb(over: Partial<BlueGreenSourceDb> = {}): BlueGreenSourceDb {
  const id = over.id ?? 'shop-db';
  return {
    region: REGION,
    kind: 'instance',
    id,
    arn: dbArn(id, over.kind === 'cluster' ? 'cluster' : 'db'),
    engine: 'mysql',
    engineVersion: '8.0.39',
    status: 'available',
    endpoint: { address: `${id}.abc.${REGION}.rds.amazonaws.com`, port: 3306 },
    publiclyAccessible: false,
    securityGroupIds: ['sg-db'],
    iamAuthEnabled: false,
    instanceClass: 'db.t3.micro',
    backupRetentionPeriod: 7,
    parameterGroupName: 'default.mysql8.0',
    ...over,
  };
}

/** An AVAILABLE deployment of shop-db with a green copy. */
export function deployment(over: Partial<BlueGreenDeployment> = {}): BlueGreenDeployment {
  const source = over.sourceArn ?? dbArn('shop-db');
  const target = over.targetArn ?? dbArn('shop-db-green-abcdef');
  const status = over.status ?? 'AVAILABLE';
  return {
    id: 'bgd-0123456789abcdef',
    name: 'shop-upgrade',
    region: REGION,
    sourceArn: source,
    targetArn: target,
    status,
    switchoverDetails: [{ sourceMember: source, targetMember: target, status }],
    tasks: [{ name: 'CREATING_READ_REPLICA_OF_SOURCE', status: 'COMPLETED' }],
    createTime: new Date('2026-03-01T10:00:00Z'),
    ...over,
  };
}
