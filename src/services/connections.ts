/**
 * Reaching a DB from the editor: the per-DB route setting, the route decision (direct, SSH
 * tunnel through a linked instance, or a local port), and credentials in the order
 * (RDS-managed secret, stored password, typed password; or an IAM token). Passwords live only in
 * SecretStorage; which source worked is remembered per DB (the source's name, never a secret).
 */
import * as vscode from 'vscode';
import type { CredentialSource, DbSession, LocalForward, Route, RouteDecision, RoutePreference, SshTunnelOptions, TlsPolicy } from '../core/db/index';
import type { RdsDatabase } from '../core/aws/types';
import { CancelledError, toAbortSignal, type CancelSignal } from '../core/errors';
import { loadAws, loadDb } from '../lazy';
import { describeError } from '../core/errors';
import type { ResourceStore } from '../state/resourceStore';
import { sshAccessOptions } from './hostKeys';
import { offerInstanceConnectEndpoint } from './endpointOffer';
import { reachContext } from './reachContext';
import { dbPasswordKey, type PasswordStore } from '../state/passwords';
import type { ConnectionSetting } from '../core/settingsTrust';
import { readConnections, readSshSettings } from '../state/settings';
import { routeTls } from './tls';
import type { UserInput } from '../ui/userInput';

const l = vscode.l10n.t;

export type { ConnectionSetting };

/** The entry for this DB (user settings, and a workspace entry only where it is safe: see state/settings). */
function connectionSetting(db: Pick<RdsDatabase, 'id'>, log: vscode.LogOutputChannel): ConnectionSetting {
  return readConnections(log)[db.id] ?? {};
}

function tlsPolicy(setting: ConnectionSetting): TlsPolicy | undefined {
  if (setting.tls === 'off') return { mode: 'off' };
  if (setting.tls === 'unverified') return { mode: 'unverified' };
  return undefined;
}

function preferenceOf(setting: ConnectionSetting): RoutePreference {
  switch (setting.route) {
    case 'direct':
      return { kind: 'direct' };
    case 'sshTunnel':
      return { kind: 'sshTunnel', instanceId: setting.instanceId };
    case 'localPort': {
      const hp = setting.localPort ? loadDb().parseHostPort(setting.localPort) : undefined;
      if (!hp) throw new Error(l('rdsLink.connections: the local port "{0}" is not host:port.', setting.localPort ?? ''));
      return { kind: 'localPort', host: hp.host, port: hp.port, tls: tlsPolicy(setting) };
    }
    default:
      return { kind: 'auto' };
  }
}

export interface Connector {
  readonly log: vscode.LogOutputChannel;
  readonly store: ResourceStore;
  readonly passwords: PasswordStore;
  /** globalState, where the credential source that worked is remembered per DB. */
  readonly state: vscode.Memento;
  readonly ui: UserInput;
}

const rememberedKey = (db: RdsDatabase): string => `rdsLink.credentialSource/${db.region}/${db.kind}/${db.id}`;

function passwordKey(c: Connector, db: RdsDatabase, user: string): string {
  // The last account that answered, so a reload in progress does not change the key.
  return dbPasswordKey({ account: c.store.accountId(), region: db.region, dbId: db.id, host: db.endpoint?.address ?? '', port: db.endpoint?.port ?? 0, user });
}

/** The route the settings and the linked instances give, without asking. */
async function decideRouteFor(c: Pick<Connector, 'log' | 'store'>, db: RdsDatabase): Promise<RouteDecision> {
  const dbCore = loadDb();
  const setting = connectionSetting(db, c.log);
  const reach = reachContext(readSshSettings(), dbCore.parseHostPort);
  const linked = c.store.allLinks().filter((k) => k.region === db.region && (k.dbTarget.id === db.id || k.database.id === db.id || k.dbTarget.id === db.clusterId)).map((k) => k.instance);
  let imageNames = new Map<string, string>();
  try {
    imageNames = await loadAws().describeImageNames(c.store.getSession().ec2(db.region), linked.map((i) => i.imageId ?? ''));
  } catch (err) {
    // The OS user then comes from the platform, or the usual default; the log says why.
    c.log.warn(`Reading the AMI names of the linked instances failed: ${describeError(err)}`);
  }
  const tls = routeTls(c.log);
  const decision = await dbCore.decideRoute({
    db,
    linkedInstances: linked,
    preference: preferenceOf(setting),
    ...reach,
    imageNames,
    tls,
    findInstanceConnectEndpoint: (placement) =>
      dbCore.findInstanceConnectEndpoint(c.store.getSession().ec2(db.region), placement).catch((err: unknown) => {
        c.log.warn(`Looking up the EC2 Instance Connect Endpoint of ${placement.vpcId} failed: ${describeError(err)}`);
        return undefined;
      }),
  });
  c.log.info(`Route to ${db.id}: ${decision.message}`);
  return decision;
}

/** Decides the route; asks for a local port when no automatic route exists. */
async function resolveRoute(c: Connector, db: RdsDatabase, report: (m: string) => void, ask = true): Promise<Route> {
  const dbCore = loadDb();
  const setting = connectionSetting(db, c.log);
  const tls = routeTls(c.log);
  const decision = await decideRouteFor(c, db);
  if (decision.kind === 'route') {
    report(decision.message);
    return decision.route;
  }
  if (!ask) throw new Error(decision.message);
  // No way to the instance: offer to create an endpoint in its VPC, then decide again.
  if (decision.unreachable && (await offerInstanceConnectEndpoint(c, db, decision.unreachable, decision.message))) return resolveRoute(c, db, report, ask);
  const typed = await c.ui.showInputBox({
    title: l('How can VS Code reach {0}?', db.id),
    prompt: `${decision.message} ${l('Give a local host:port that forwards to the database (SSM, a bastion), or cancel and link an instance first.')}`,
    placeHolder: '127.0.0.1:3306',
    ignoreFocusOut: true,
    validateInput: (v) => (dbCore.parseHostPort(v) ? undefined : l('Enter host:port, e.g. 127.0.0.1:3306')),
  });
  if (typed === undefined) throw new CancelledError();
  const hp = dbCore.parseHostPort(typed);
  if (!hp) throw new CancelledError();
  const chosen = dbCore.chooseRoute({ db, linkedInstances: [], preference: { kind: 'localPort', host: hp.host, port: hp.port, tls: tlsPolicy(setting) }, tls }, false);
  if (chosen.kind !== 'route') throw new Error(chosen.message);
  return chosen.route;
}

export interface ConnectOptions {
  readonly signal?: CancelSignal;
  readonly report: (m: string) => void;
  readonly database?: string;
  readonly user?: string;
  /** false: asks nothing (no local port, no password); only a route and credentials at hand are used. */
  readonly ask?: boolean;
  /** An SSH session the caller keeps open to an instance: a tunnel route through it forwards over it. */
  readonly over?: SshTunnelOptions['over'];
}

/** Opens a session to the DB: route, then the credentials in order, remembering what worked. */
async function connect(c: Connector, db: RdsDatabase, options: ConnectOptions): Promise<DbSession> {
  const dbCore = loadDb();
  const setting = connectionSetting(db, c.log);
  const route = await resolveRoute(c, db, options.report, options.ask !== false);
  // The command's cancel aborts the Secrets Manager and Instance Connect calls in flight.
  const session = c.store.getSession().withSignal(toAbortSignal(options.signal));
  const user = options.user ?? setting.user;
  const remembered = c.state.get<CredentialSource>(rememberedKey(db));
  const candidates = dbCore.credentialCandidates(
    { db, user, useIam: setting.auth === 'iam', remembered },
    {
      ...dbCore.awsCredentialSources(session, db),
      storedPassword: (u) => Promise.resolve(c.passwords.get(passwordKey(c, db, u))),
      promptPassword: options.ask === false ? undefined : (u) => c.ui.showInputBox({
        title: l('Password of {0} on {1}', u, db.id),
        prompt: l('Kept in VS Code\'s secret storage once the login works; "RDS Link: Forget Database Password" removes it.'),
        password: true,
        ignoreFocusOut: true,
      }),
    },
    (skipped) => c.log.info(`Credentials for ${db.id}: skipped ${skipped.source}: ${skipped.reason}`),
  );
  const dbSession = await dbCore.openConnection(route, candidates, {
    ...sshAccessOptions(c.state, c.log, session, db.region),
    signal: options.signal,
    over: options.over,
    database: options.database,
    onProgress: (m) => options.report(m),
    log: (line) => c.log.debug(line),
    onCredentialsRejected: (creds) => {
      c.log.warn(`The login of ${creds.user} (${creds.source}) on ${db.id} was refused`);
      if (creds.source === 'storedPassword') void c.passwords.forget(passwordKey(c, db, creds.user));
    },
  });
  try {
    await rememberWhatWorked(c, db, dbSession);
  } catch (err) {
    // The caller never gets the session, so it is closed here.
    await dbSession.close();
    throw err;
  }
  return dbSession;
}

async function rememberWhatWorked(c: Connector, db: RdsDatabase, dbSession: DbSession): Promise<void> {
  const dbCore = loadDb();
  const creds = dbSession.credentials;
  c.log.info(`Connected to ${db.id} as ${creds.user} (${creds.source}) ${dbCore.describeRoute(dbSession.route)}, server ${dbSession.serverVersion}, TLS ${dbSession.tls ? 'on' : 'off'}`);
  if (creds.source === 'typedPassword') await c.passwords.store(passwordKey(c, db, creds.user), creds.password);
  await c.state.update(rememberedKey(db), creds.source);
}

/** A local port to the DB for a client program, plus the login to use on it. */
async function forward(c: Connector, db: RdsDatabase, options: { signal?: CancelSignal; report: (m: string) => void }): Promise<{ forward: LocalForward; user: string; password: string; iamToken: boolean }> {
  const dbCore = loadDb();
  // Log in once first: it proves the credentials and picks them, then the forward reuses them.
  const probe = await connect(c, db, options);
  const creds = probe.credentials;
  const route = probe.route;
  await probe.close();
  const session = c.store.getSession();
  const fwd = await dbCore.openLocalForward(route, { ...sshAccessOptions(c.state, c.log, session, db.region), signal: options.signal, onProgress: options.report });
  return { forward: fwd, user: creds.user, password: creds.password, iamToken: creds.isIamToken };
}

async function forgetPassword(c: Connector, db: RdsDatabase, user: string): Promise<void> {
  await c.passwords.forget(passwordKey(c, db, user));
  await c.state.update(rememberedKey(db), undefined);
}


/**
 * How commands reach a DB: its route setting, the route decision, a session with the right
 * credentials, a local port for a client program, and forgetting a password. One per window.
 */
export class Connections {
  constructor(private readonly c: Connector) {}

  /** The rdsLink.connections entry for this DB. */
  setting(db: Pick<RdsDatabase, 'id'>): ConnectionSetting {
    return connectionSetting(db, this.c.log);
  }

  /** The route the settings and the linked instances give, without asking. */
  decideRoute(db: RdsDatabase): Promise<RouteDecision> {
    return decideRouteFor(this.c, db);
  }

  /** The route, asking for a local port when no automatic route exists. */
  resolveRoute(db: RdsDatabase, report: (m: string) => void): Promise<Route> {
    return resolveRoute(this.c, db, report);
  }

  connect(db: RdsDatabase, options: ConnectOptions): Promise<DbSession> {
    return connect(this.c, db, options);
  }

  forward(db: RdsDatabase, options: { signal?: CancelSignal; report: (m: string) => void }): Promise<{ forward: LocalForward; user: string; password: string; iamToken: boolean }> {
    return forward(this.c, db, options);
  }

  forgetPassword(db: RdsDatabase, user: string): Promise<void> {
    return forgetPassword(this.c, db, user);
  }
}
