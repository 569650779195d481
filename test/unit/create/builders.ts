/** A DB-creation context that a test changes only where it matters. */
import type { DbCreateContext } from '../../../src/core/aws/create';
import { REGION, VPC } from '../link/builders';

export function context(over: Partial<DbCreateContext> = {}): DbCreateContext {
  return {
    region: REGION,
    engine: 'mysql',
    versions: [
      { engine: 'mysql', version: '8.4.4', isDefault: false },
      { engine: 'mysql', version: '8.0.41', isDefault: true },
    ],
    classes: ['db.t3.micro', 'db.t4g.micro', 'db.m5.large'],
    classesFallback: false,
    subnetGroups: { vpcId: VPC, usable: [{ name: 'app-private', vpcId: VPC, subnetIds: ['s1', 's2'], availabilityZones: ['a', 'b'] }], onlyPublic: false },
    existingDbIds: ['goapp-db'],
    ...over,
  };
}
