/** The product's SSH deploy executor for the benches, set up for the deploy test hosts (support/deployHosts.ts). */
import type { HealthCheck } from '../../src/core/deploy/deployFile';
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

export function benchExecutor(d: BenchDeploy): SshDeployExecutor {
  return new SshDeployExecutor({
    release: d.release,
    rollbackTo: d.rollbackTo ?? false,
    openSession: (id) => d.openSession(id),
    layoutFor: d.hosts.layoutFor,
    binaryFor: () => d.binary,
    files: [{ local: d.hosts.config, name: 'config.yaml' }],
    env: { DB_PASSWORD: d.password },
    restartCommand: d.hosts.restartCommand,
    statusCommand: d.hosts.statusCommand,
    port: 8080,
    health: BENCH_HEALTH,
    keepReleases: 5,
  });
}
