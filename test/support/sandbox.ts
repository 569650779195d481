/**
 * The sandbox the UI tests run against: moto seeded with the sandbox account, a copy of the sample
 * Go project, and code-server with the extension, wired up only through documented settings
 * (rdsLink.profile, rdsLink.regions, rdsLink.endpointUrl) and a throw-away AWS config.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { seedSandbox, type SandboxIds } from '../integration/aws/sandbox';
import { startMoto, type MotoServer } from '../integration/support';
import { repoRoot, startCodeServer, type CodeServer } from './codeServer';

export interface Sandbox {
  readonly moto: MotoServer;
  readonly ids: SandboxIds;
  readonly server: CodeServer;
  readonly workspace: string;
  stop(): Promise<void>;
}

export async function startSandbox(options: { settings?: Record<string, unknown>; env?: Record<string, string | undefined> } = {}): Promise<Sandbox> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-e2e-'));
  const moto = await startMoto();
  let server: CodeServer | undefined;
  try {
    const ids = await seedSandbox(moto.endpoint);
    const workspace = path.join(home, 'goapp');
    fs.cpSync(path.join(repoRoot, 'sandbox/goapp'), workspace, { recursive: true });
    fs.renameSync(path.join(workspace, 'dot.env'), path.join(workspace, '.env'));
    fs.writeFileSync(path.join(home, 'aws-config'), '[profile sandbox]\nregion = us-east-1\n');
    fs.writeFileSync(path.join(home, 'aws-credentials'), '[sandbox]\naws_access_key_id = sandbox\naws_secret_access_key = sandbox\n');
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(path.join(workspace, '.vscode/settings.json'), JSON.stringify({
      'rdsLink.profile': 'sandbox',
      'rdsLink.regions': ['us-east-1'],
      'rdsLink.endpointUrl': moto.endpoint,
      ...options.settings,
    }, null, 2));
    server = await startCodeServer({
      workspace,
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
    return {
      moto, ids, server: started, workspace,
      async stop() {
        await started.stop();
        await moto.stop();
        fs.rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await server?.stop();
    await moto.stop();
    fs.rmSync(home, { recursive: true, force: true });
    throw err;
  }
}
