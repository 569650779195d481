/** A seeded moto and its EC2/RDS clients for one describe block (before/after hooks registered here). */
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { clientConfig, seedSandbox, type SandboxIds } from '../aws/sandbox';
import { startMoto, type MotoServer } from '../support';

export interface Sandbox {
  moto: MotoServer;
  ids: SandboxIds;
  ec2: EC2Client;
  rds: RDSClient;
}

export function useSandbox(region: string): Sandbox {
  const box = {} as Sandbox;
  before(async () => {
    box.moto = await startMoto();
    box.ids = await seedSandbox(box.moto.endpoint);
    box.ec2 = new EC2Client(clientConfig(box.moto.endpoint, region));
    box.rds = new RDSClient(clientConfig(box.moto.endpoint, region));
  });
  after(async () => {
    box.ec2?.destroy();
    box.rds?.destroy();
    await box.moto?.stop();
  });
  return box;
}
