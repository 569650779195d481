// npm start: the extension in a real VS Code (code-server) in your browser, against a local
// sandbox account — no AWS account needed. Runs until Ctrl-C, then stops everything it started.
//
// What it starts:
//   - moto (fake AWS) on loopback, seeded with a VPC, instances, MySQL/Aurora/Postgres DBs
//   - a MariaDB server standing in for the RDS server
//   - code-server with the freshly built extension, opened on a copy of sandbox/goapp
// The extension is wired to the sandbox only through documented settings (rdsLink.profile,
// rdsLink.endpointUrl, rdsLink.regions) and a throw-away AWS config with a "sandbox" profile.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, startCodeServer } from './code-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const say = (m) => console.log(`[start] ${m}`);

const cleanups = [];
let stopping = false;
async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const c of cleanups.reverse()) {
    try {
      await c();
    } catch (err) {
      console.error(`[start] cleanup failed: ${err.message}`);
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  say('building the extension and the sandbox helpers…');
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json'], { cwd: root, stdio: 'inherit' });
  const support = require(path.join(root, 'out/test/integration/support/index.js'));
  const sandbox = require(path.join(root, 'out/test/integration/aws/sandbox.js'));

  say('starting moto (fake AWS)…');
  const moto = await support.startMoto();
  cleanups.push(() => moto.stop());
  const ids = await sandbox.seedSandbox(moto.endpoint);
  say(`moto at ${moto.endpoint}: VPC ${ids.vpcId}, instances ${Object.keys(ids.instances).join(', ')}`);

  say('starting MariaDB (the RDS server stand-in)…');
  const maria = await support.startMariaDb();
  cleanups.push(() => maria.stop());
  say(`MariaDB at ${maria.host}:${maria.port} (user ${maria.user})`);

  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-sandbox-'));
  cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
  const workspace = path.join(home, 'goapp');
  fs.cpSync(path.join(root, 'sandbox/goapp'), workspace, { recursive: true });
  fs.renameSync(path.join(workspace, 'dot.env'), path.join(workspace, '.env'));
  const awsConfig = path.join(home, 'aws-config');
  const awsCredentials = path.join(home, 'aws-credentials');
  fs.writeFileSync(awsConfig, '[profile sandbox]\nregion = us-east-1\n');
  fs.writeFileSync(awsCredentials, '[sandbox]\naws_access_key_id = sandbox\naws_secret_access_key = sandbox\n');
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.vscode/settings.json'), `${JSON.stringify({
    'rdsLink.profile': 'sandbox',
    'rdsLink.regions': ['us-east-1', 'eu-west-1'],
    'rdsLink.endpointUrl': moto.endpoint,
  }, null, 2)}\n`);

  say('installing code-server on first use (about a minute), then starting it…');
  await ensureCodeServer();
  const server = await startCodeServer({
    workspace,
    extensionDirs: [root],
    env: {
      AWS_CONFIG_FILE: awsConfig,
      AWS_SHARED_CREDENTIALS_FILE: awsCredentials,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PROFILE: undefined,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_ENDPOINT_URL: undefined,
    },
  });
  cleanups.push(() => server.stop());
  console.log(`\n  RDS Link is running in VS Code at ${server.url}\n  Workspace: ${workspace}\n  Press Ctrl-C to stop everything.\n`);
  const exit = await server.exited;
  say(`code-server exited (${JSON.stringify(exit)})`);
  await stopAll(1);
} catch (err) {
  console.error(`[start] ${err.stack ?? err}`);
  await stopAll(1);
}
