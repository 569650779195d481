/**
 * The sandbox the UI tests run against: moto seeded with the sandbox account, a copy of the sample
 * Go project, and code-server with the extension, wired up only through documented settings
 * (rdsLink.profile, rdsLink.regions, rdsLink.endpointUrl; with `databases`, also
 * rdsLink.ssh.hostOverride and rdsLink.tls.extraCaFile; with `instances`, rdsLink.ssh.hostOverrides
 * and rdsLink.ssh.identityFile) and a throw-away AWS config. Those go in
 * the USER settings of code-server's fresh user data dir: a workspace cannot set them (see
 * src/core/settingsTrust.ts), just as a cloned repository cannot.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { seedSandbox, type SandboxIds } from '../integration/aws/sandbox';
import { startSandboxDatabase, type SandboxDatabase } from '../integration/aws/sandboxDatabase';
import { startSandboxEice, type SandboxEice } from '../integration/aws/sandboxEice';
import { startSandboxInstances } from '../integration/aws/sandboxInstances';
import { startMoto, type MotoServer, type SandboxHosts } from '../integration/support';
import { repoRoot, startCodeServer, type CodeServer } from './codeServer';

export interface Sandbox {
  readonly moto: MotoServer;
  readonly ids: SandboxIds;
  readonly server: CodeServer;
  readonly workspace: string;
  /** code-server's user settings file (User/settings.json), where the sandbox settings are. */
  readonly userSettingsFile: string;
  /** With `databases: true`: the TLS MariaDB and SSH stand-in behind the RDS endpoints. */
  readonly databases?: SandboxDatabase;
  /** With `instances: true`: the hosts of goapp-web, goapp-2 and goapp-3 that a deploy goes to. */
  readonly instances?: SandboxHosts;
  /** With `eice: true`: goapp-private, the EC2 shim (the extension's endpoint URL) and the EICE stand-in. */
  readonly eice?: SandboxEice;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  /** User settings on top of the sandbox's (a key set to undefined is left out). */
  settings?: Record<string, unknown>;
  /** More profiles in the throw-away AWS config, with dummy keys of their own (moto takes any). */
  moreProfiles?: readonly string[];
  /** The workspace's .vscode/settings.json (none when not given), as a repository would ship it. */
  workspaceSettings?: Record<string, unknown>;
  /** Added to code-server's environment; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /**
   * Also start the servers behind the sandbox's RDS endpoints (startSandboxDatabase) and point
   * the extension at them with rdsLink.ssh.hostOverride and rdsLink.tls.extraCaFile. Default: no.
   */
  databases?: boolean;
  /**
   * Also start the app instances' hosts (startSandboxInstances: real sshd, deployable; implies
   * `databases`) and set rdsLink.ssh.hostOverrides and rdsLink.ssh.identityFile. Default: no.
   */
  instances?: boolean;
  /**
   * Also the private instance goapp-private, reached through an EC2 Instance Connect Endpoint
   * (test/integration/aws/sandboxEice.ts): rdsLink.endpointUrl goes to the shim in front of moto.
   * Needs `databases`. Default: no.
   */
  eice?: boolean;
  /** With `eice`: goapp-vpc starts with no EC2 Instance Connect Endpoint (the offer creates one). */
  eiceWithoutEndpoint?: boolean;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-e2e-'));
  const moto = await startMoto();
  let server: CodeServer | undefined;
  let databases: SandboxDatabase | undefined;
  let instances: SandboxHosts | undefined;
  let eice: SandboxEice | undefined;
  try {
    const ids = await seedSandbox(moto.endpoint);
    if (options.databases || options.instances) databases = await startSandboxDatabase(moto.endpoint);
    if (options.instances && databases) instances = await startSandboxInstances(ids, databases);
    if (options.eice && !databases) throw new Error('sandbox: eice needs databases (the SSH stand-in behind the endpoint)');
    if (options.eice && databases) eice = await startSandboxEice({ motoEndpoint: moto.endpoint, ids, ssh: databases.ssh, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' }, withoutEndpoint: options.eiceWithoutEndpoint === true });
    const workspace = path.join(home, 'goapp');
    fs.cpSync(path.join(repoRoot, 'sandbox/goapp'), workspace, { recursive: true });
    fs.renameSync(path.join(workspace, 'dot.env'), path.join(workspace, '.env'));
    const profiles = ['sandbox', ...(options.moreProfiles ?? [])];
    fs.writeFileSync(path.join(home, 'aws-config'), profiles.map((p) => `[profile ${p}]\nregion = us-east-1\n`).join(''));
    fs.writeFileSync(path.join(home, 'aws-credentials'), profiles.map((p) => `[${p}]\naws_access_key_id = ${p}\naws_secret_access_key = ${p}\n`).join(''));
    if (options.workspaceSettings) {
      fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
      fs.writeFileSync(path.join(workspace, '.vscode/settings.json'), JSON.stringify(options.workspaceSettings, null, 2));
    }
    server = await startCodeServer({
      workspace,
      settings: {
        'rdsLink.profile': 'sandbox',
        'rdsLink.regions': ['us-east-1'],
        'rdsLink.endpointUrl': moto.endpoint,
        ...databases?.settings,
        ...instances?.settings,
        ...options.settings,
        // The endpoint URL (the shim) and the private instance's entry among the host overrides.
        ...eice?.settings({ ...databases?.settings, ...instances?.settings, ...options.settings }),
      },
      extensionDirs: [process.env.RDS_LINK_EXTENSION_DIR ?? repoRoot],
      env: {
        AWS_CONFIG_FILE: path.join(home, 'aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'aws-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PROFILE: undefined,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_REGION: undefined,
        AWS_ENDPOINT_URL: undefined,
        ...options.env,
      },
    });
    const started = server;
    const dbs = databases;
    const hosts = instances;
    const viaEndpoint = eice;
    return {
      moto, ids, server: started, workspace, userSettingsFile: path.join(started.userDataDir, 'User', 'settings.json'), ...(dbs ? { databases: dbs } : {}), ...(hosts ? { instances: hosts } : {}), ...(viaEndpoint ? { eice: viaEndpoint } : {}),
      async stop() {
        await started.stop();
        await viaEndpoint?.stop();
        await hosts?.stop();
        await dbs?.stop();
        await moto.stop();
        fs.rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await server?.stop();
    await eice?.stop();
    await instances?.stop();
    await databases?.stop();
    await moto.stop();
    fs.rmSync(home, { recursive: true, force: true });
    throw err;
  }
}
