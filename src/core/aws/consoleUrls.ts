/** AWS console addresses for a resource. Pure and SDK-free, so the VS Code layer may import it eagerly. */
import type { RdsDatabase } from './types';

export function ec2InstanceConsoleUrl(region: string, instanceId: string): string {
  return `https://${region}.console.aws.amazon.com/ec2/home?region=${region}#InstanceDetails:instanceId=${encodeURIComponent(instanceId)}`;
}

export function rdsConsoleUrl(db: Pick<RdsDatabase, 'region' | 'id' | 'kind'>): string {
  const isCluster = db.kind === 'cluster' ? 'true' : 'false';
  return `https://${db.region}.console.aws.amazon.com/rds/home?region=${db.region}#database:id=${encodeURIComponent(db.id)};is-cluster=${isCluster}`;
}
