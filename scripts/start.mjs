// npm start: the extension in a real VS Code (code-server) in your browser, against a local
// sandbox account — no AWS account needed. Runs until Ctrl-C, then stops everything it started.
//
// What it starts:
//   - moto (fake AWS) on loopback, seeded with a VPC, instances, MySQL/Aurora/Postgres DBs
//   - a MariaDB server standing in for the RDS server: TLS with a certificate for the sandbox's
//     RDS endpoint names from a throw-away CA, and the master login moto's managed secret holds
//   - an SSH server standing in for the instances' SSH (ssh2 on loopback: no root, no system
//     users); it forwards the RDS endpoint names to that MariaDB, as an instance in the VPC would
//   - the app's instances goapp-web, goapp-2 and goapp-3 as hosts to deploy to: each its own
//     rootless namespaces (no root needed) with a real OpenSSH sshd, its own /etc, /opt and
//     127.0.0.1 (every app listens on :8080), stand-ins for systemctl and sudo (systemd cannot run
//     here), and the RDS endpoint names relayed to that MariaDB (test/integration/support/sandboxHosts.ts)
//   - goapp-private, an instance without a public IP, reached through an EC2 Instance Connect
//     Endpoint: a shim in front of moto answers DescribeInstanceConnectEndpoints (the extension's
//     endpoint URL), and an EICE stand-in behind it checks the signed tunnel URL and pipes port 22
//     to the SSH stand-in (test/integration/aws/sandboxEice.ts)
//   - code-server with the freshly built extension, opened on a copy of sandbox/goapp, whose first
//     window opens the walkthrough "From nothing to a running app on RDS"
// The extension is wired to the sandbox only through documented settings (rdsLink.profile,
// rdsLink.regions, rdsLink.endpointUrl, rdsLink.ssh.hostOverride, rdsLink.tls.extraCaFile, and for
// the deployable instances rdsLink.ssh.hostOverrides and rdsLink.ssh.identityFile) in the
// user settings of a throw-away user data dir (a workspace cannot set them), and a throw-away AWS
// config with a "sandbox" profile. The endpoint names do not resolve, so a DB is
// reached as a private RDS is: through an SSH tunnel via a linked, running instance.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { codeServerDebianPackages, codeServerInstalled, ensureCodeServer, missingDebianPackages, runAtFirstWindow, startCodeServer, startWalkthrough } from './code-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const say = (m) => console.log(`[start] ${m}`);
// The seeding runs the AWS SDK in this Node 20 process: its Node 22 notice is not news to the user.
// (The extension keeps it out of its own output by itself; code-server does not get this variable.)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

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

/**
 * Says which Debian packages are missing before anything starts. As root the helpers install
 * them as they go; otherwise apt-get cannot, so this prints the command and stops.
 */
function preflight(support) {
  const needs = [['python3', 'python3'], ['/usr/sbin/mariadbd', 'mariadb-server'], ['/usr/bin/mariadb-install-db', 'mariadb-server'], ['openssl', 'openssl']];
  const missing = new Set(needs.filter(([bin]) => !support.findExecutable(bin)).map(([, pkg]) => pkg));
  if (!codeServerInstalled()) for (const p of missingDebianPackages(codeServerDebianPackages({ browser: false }))) missing.add(p);
  if (missing.size === 0) return;
  const list = [...missing].join(' ');
  if (!support.findExecutable('apt-get')) {
    console.error(`\n[start] Missing: ${list} (Debian package names). This is not a Debian-like system: install the same with your package manager, then run npm start again.\n`);
    process.exit(1);
  }
  if (process.getuid?.() === 0) {
    say(`installing the missing Debian packages as they are needed: ${list}`);
    return;
  }
  console.error([
    '',
    `[start] These Debian packages are missing: ${list}`,
    '[start] Install them, then run npm start again:',
    '',
    `    sudo apt-get update && sudo apt-get install -y ${list}`,
    '',
    '[start] (Run as root, npm start installs them itself.)',
    '',
  ].join('\n'));
  process.exit(1);
}

try {
  say('building the extension and the sandbox helpers…');
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json'], { cwd: root, stdio: 'inherit' });
  const support = require(path.join(root, 'out/test/integration/support/index.js'));
  const sandbox = require(path.join(root, 'out/test/integration/aws/sandbox.js'));
  const sandboxDatabase = require(path.join(root, 'out/test/integration/aws/sandboxDatabase.js'));
  const sandboxInstances = require(path.join(root, 'out/test/integration/aws/sandboxInstances.js'));
  const sandboxEice = require(path.join(root, 'out/test/integration/aws/sandboxEice.js'));
  const sandboxAlb = require(path.join(root, 'out/test/integration/aws/sandboxAlb.js'));
  preflight(support);

  say('starting moto (fake AWS)…');
  const moto = await support.startMoto();
  cleanups.push(() => moto.stop());
  const ids = await sandbox.seedSandbox(moto.endpoint);
  say(`moto at ${moto.endpoint}: VPC ${ids.vpcId}, instances ${Object.keys(ids.instances).join(', ')}`);

  say('starting the RDS stand-ins: MariaDB with TLS (a throw-away CA) and the SSH server of the instances…');
  const dbs = await sandboxDatabase.startSandboxDatabase(moto.endpoint);
  cleanups.push(() => dbs.stop());
  say(`MariaDB (TLS) at ${dbs.maria.host}:${dbs.maria.port}, behind ${[...new Set(dbs.endpoints.map((e) => e.id))].join(', ')}`);
  say(`SSH stand-in at ${dbs.ssh.hostOverride} (users ec2-user, ubuntu; forwards only to those endpoints)`);

  say('starting the instances to deploy to (rootless namespaces with OpenSSH)…');
  const hosts = await sandboxInstances.startSandboxInstances(ids, dbs).catch((err) => {
    say(`the instances to deploy to did not start, Deploy… cannot reach them (everything else runs): ${err.message.split('\n')[0]}`);
    return undefined;
  });
  if (hosts) {
    cleanups.push(() => hosts.stop());
    say(`instances to deploy to: ${hosts.hosts.map((h) => `${h.name} (${h.instanceId}) at ${h.hostOverride}`).join(', ')}: OpenSSH as ec2-user with the sandbox key, systemctl and sudo stand-ins (no systemd here)`);
  }
  // The load balancer in front of them: goapp-alb in moto, and the ALB stand-in that moves the traffic.
  const lb = hosts
    ? await sandboxAlb.startSandboxAlb(moto.endpoint, ids, hosts).catch((err) => {
        say(`the load balancer did not start (deploys without loadBalancer still run): ${err.message.split('\n')[0]}`);
        return undefined;
      })
    : undefined;
  if (lb) {
    cleanups.push(() => lb.stop());
    say(`load balancer ${sandboxAlb.SANDBOX_ALB_NAME} at ${lb.url}: ${sandboxAlb.SANDBOX_BLUE} (goapp-web, goapp-2; weight 100) and ${sandboxAlb.SANDBOX_GREEN} (goapp-3; weight 0) behind its listener, ${sandboxAlb.SANDBOX_DRAIN_SECONDS} s drain`);
  }
  // The sandbox app builds offline from Debian's Go libraries in GOPATH mode (no module proxy needed).
  const gopath = '/usr/share/gocode';
  const offlineGo = fs.existsSync(path.join(gopath, 'src/github.com/gin-gonic/gin'));
  if (!support.findExecutable('go')) say('no go on PATH: Deploy… will say so (apt-get install golang-go, or https://go.dev/dl/)');
  else if (offlineGo) say(`Deploy… builds with go in GOPATH mode from ${gopath} (GO111MODULE=off, set for code-server only)`);
  const eice = await sandboxEice.startSandboxEice({ motoEndpoint: moto.endpoint, ids, ssh: dbs.ssh, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
  cleanups.push(() => eice.stop());
  say(`${sandboxEice.SANDBOX_PRIVATE_INSTANCE} (${eice.instanceId}, ${eice.privateIp}, no public IP) through EC2 Instance Connect Endpoint ${eice.endpoint.id}: shim at ${eice.shim.endpoint} in front of moto`);

  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-sandbox-'));
  cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
  const workspace = path.join(home, 'goapp');
  fs.cpSync(path.join(root, 'sandbox/goapp'), workspace, { recursive: true });
  fs.renameSync(path.join(workspace, 'dot.env'), path.join(workspace, '.env'));
  const awsConfig = path.join(home, 'aws-config');
  const awsCredentials = path.join(home, 'aws-credentials');
  fs.writeFileSync(awsConfig, '[profile sandbox]\nregion = us-east-1\n');
  fs.writeFileSync(awsCredentials, '[sandbox]\naws_access_key_id = sandbox\naws_secret_access_key = sandbox\n');

  say('installing code-server on first use (about a minute), then starting it…');
  const entry = await ensureCodeServer({ browser: false });
  // A newcomer lands on the path, not on an empty explorer: the first window opens the walkthrough.
  const walkthrough = runAtFirstWindow(path.join(home, 'commands'), 'workbench.action.openWalkthrough', [startWalkthrough, false]);
  const server = await startCodeServer({
    entry,
    workspace,
    extensionDirs: [root, walkthrough.extensionDir],
    settings: {
      'rdsLink.profile': 'sandbox',
      'rdsLink.regions': ['us-east-1', 'eu-west-1'],
      'rdsLink.endpointUrl': moto.endpoint,
      ...dbs.settings,
      ...hosts?.settings,
      ...eice.settings({ ...dbs.settings, ...hosts?.settings }),
    },
    env: {
      AWS_CONFIG_FILE: awsConfig,
      AWS_SHARED_CREDENTIALS_FILE: awsCredentials,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PROFILE: undefined,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_ENDPOINT_URL: undefined,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
      ...(offlineGo ? { GO111MODULE: 'off', GOPATH: gopath, GOFLAGS: '' } : {}),
      ...walkthrough.env,
    },
  });
  cleanups.push(() => server.stop());
  console.log([
    '',
    `  RDS Link is running in VS Code at ${server.url}`,
    `  Workspace: ${workspace}`,
    '',
    '  The walkthrough "From nothing to a running app on RDS" opens in the first window; its steps run the commands.',
    '  Try: RDS Link in the activity bar → right-click goapp-db → Link EC2 Instance to RDS Database… (goapp-web)',
    '       → right-click goapp-db → Create Database (Schema)… (through the SSH tunnel, TLS verified) → Use in This Workspace',
    '       → open config.yaml, put the cursor on "host:" and press Ctrl+. to point it at RDS',
    '       → EC2 Instances title bar → Deploy… (tag app=goapp, Rolling): the app goes to goapp-web, goapp-2 and goapp-3,',
    '         each healthy against goapp-db before the next; the EC2 view then shows the release on each instance.',
    `  Or link ${sandboxEice.SANDBOX_PRIVATE_INSTANCE} instead: it has no public IP, so the schema goes through the EC2 Instance Connect Endpoint.`,
    ...(lb
      ? [
          '',
          `  Behind the load balancer ${sandboxAlb.SANDBOX_ALB_NAME} (${lb.url}; each answer names its instance in x-rds-link-target):`,
          '  after the first deploy, add this to rds-link.deploy.yaml and set strategy.kind to blueGreen (goapp-3 is green, then live;',
          '  Switch Back (Blue/Green) undoes it), canary (a share of the traffic first), or rolling (each batch drained first):',
          ...lb.deployFileSection.split('\n').map((l) => `    ${l}`),
        ]
      : []),
    '',
    '  Press Ctrl-C to stop everything.',
    '',
  ].join('\n'));
  const exit = await server.exited;
  // After Ctrl-C, stopAll() ends code-server itself: nothing to report then.
  if (!stopping) {
    say(`code-server exited (${JSON.stringify(exit)})`);
    await stopAll(1);
  }
} catch (err) {
  console.error(`[start] ${err.stack ?? err}`);
  await stopAll(1);
}
