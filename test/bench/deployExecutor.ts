/** The product's SSH deploy executor for the benches, set up for the deploy test hosts (support/deployHosts.ts). */
import * as path from 'node:path';
import type { HealthCheck } from '../../src/core/deploy/deployFile';
import { collectShippedFiles } from '../../src/core/deploy/shipped';
import { SshDeployExecutor } from '../../src/core/deploy/sshExecutor';
import type { SshSession } from '../../src/core/instance/sshSession';
import type { DeployHosts } from '../integration/support/deployHosts';

export const BENCH_HEALTH: HealthCheck = { path: '/healthz', timeoutSeconds: 5, retries: 100, intervalSeconds: 0 };

export interface BenchDeploy {
  readonly hosts: DeployHosts;
  readonly binary: string;
  readonly password: string;
  readonly release: string;
  readonly rollbackTo?: boolean;
  openSession(instanceId: string): Promise<SshSession>;
}

export async function benchExecutor(d: BenchDeploy): Promise<SshDeployExecutor> {
  return new SshDeployExecutor({
    release: d.release,
    rollbackTo: d.rollbackTo ?? false,
    openSession: (id) => d.openSession(id),
    layoutFor: d.hosts.layoutFor,
    binaryFor: () => d.binary,
    shipped: await collectShippedFiles(path.dirname(d.hosts.config), ['config.yaml']),
    env: { DB_PASSWORD: d.password },
    restartCommand: d.hosts.restartCommand,
    statusCommand: d.hosts.statusCommand,
    port: 8080,
    health: BENCH_HEALTH,
    keepReleases: 5,
  });
}
