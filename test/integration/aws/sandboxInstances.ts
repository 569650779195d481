/**
 * The sandbox's app instances as hosts that can be deployed to (support/sandboxHosts.ts): one per
 * running goapp instance seeded in moto, each resolving the sandbox's RDS endpoint names to the
 * sandbox MariaDB. The extension reaches them through the documented user settings
 * rdsLink.ssh.hostOverrides (instance id → 127.0.0.1:port) and rdsLink.ssh.identityFile.
 * Used by `npm start` and the full-flow e2e test.
 */
import { startSandboxHosts, type SandboxHosts } from '../support';
import { SANDBOX_APP_INSTANCES, type SandboxIds } from './sandbox';
import type { SandboxDatabase } from './sandboxDatabase';

export function startSandboxInstances(ids: SandboxIds, databases: SandboxDatabase): Promise<SandboxHosts> {
  return startSandboxHosts({
    hosts: SANDBOX_APP_INSTANCES.map((name) => ({ instanceId: ids.instances[name], name })),
    endpoints: databases.endpoints,
    db: { host: databases.maria.host, port: databases.maria.port },
    // One host key per instance whichever way SSH reaches it (the DB tunnel goes to the stand-in).
    hostKey: databases.ssh.hostPrivateKey,
  });
}
