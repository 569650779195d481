/**
 * The deploy description: `rds-link.deploy.yaml` (or `.yml`, or `rds-link.deploy.json`) next to
 * the Go project's go.mod, committed with the project so that teammates deploy the same way.
 * The JSON schema in schemas/deploy.schema.json describes the same shape for the editor; the
 * unit tests keep the two in step.
 *
 * It never holds a secret: the DB password reaches the instance's env file from the editor's
 * secret storage, inside the SSH session. Keys that look like secrets are refused.
 *
 * parseDeployFile is pure: text in, a DeployFile or problems with line and column out.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { isListenerArn, isListenerRuleArn, isTargetGroupArn, isTargetGroupName, regionOfElbArn } from '../aws/elbArns';
import { t } from '../l10n';

export const DEPLOY_FILE_NAMES = ['rds-link.deploy.yaml', 'rds-link.deploy.yml', 'rds-link.deploy.json'] as const;
export const DEPLOY_FILE_VERSION = 1;

export type StrategyKind = 'bigBang' | 'rolling' | 'canary' | 'blueGreen';
/** A count of instances, or a share of them ("25%"). */
export type InstanceCount = { readonly count: number } | { readonly percent: number };
/** After a failure, the instances already on the new release: back to the old one, or stay. */
export type OnFailure = 'rollback' | 'keep';

export type Strategy =
  | { readonly kind: 'bigBang'; readonly onFailure: OnFailure }
  | { readonly kind: 'rolling'; readonly batch: InstanceCount; readonly onFailure: OnFailure }
  | {
      readonly kind: 'canary';
      readonly canary: InstanceCount;
      /** Behind a listener with two groups: per step of `steps`. Else: once, before the rest. */
      readonly bakeSeconds: number;
      readonly batch: InstanceCount;
      readonly onFailure: OnFailure;
      /** Behind a listener with two groups: the canary group's share of traffic, step by step (percent, rising); default 10, 50, 100. */
      readonly steps?: readonly number[];
      /**
       * Behind a listener with two groups: also fail a step when the canary group's
       * HTTPCode_Target_5XX_Count in CloudWatch (Sum since the step began) is above this. Unset:
       * no CloudWatch call; target health and the instances' check only.
       */
      readonly max5xx?: number;
    }
  /** Behind a listener with two groups: deploy to the idle one, then switch every request to it in one call; the old set is kept `keepSeconds` for a switch back. */
  | {
      readonly kind: 'blueGreen';
      readonly keepSeconds: number;
      /**
       * An RDS Blue/Green deployment (its id, bgd-…) in the load balancer's region, switched over
       * in the same plan: the database first, then the app's listener once it has completed.
       */
      readonly rdsBlueGreen?: string;
      /** Green instances deployed at once (no traffic reaches them); default all ("100%"). */
      readonly batch: InstanceCount;
      readonly onFailure: OnFailure;
    };

/** Which instances: ids, or all running instances with a tag, in one region. */
export type InstanceSelector =
  | { readonly region: string; readonly ids: readonly string[] }
  | { readonly region: string; readonly tag: { readonly key: string; readonly value: string } };

/**
 * An Application Load Balancer in front of the instances: one target group (Rolling drains each
 * batch from it), or a listener with two target groups (the shape Blue/Green and weighted Canary
 * use; Rolling drains from whichever of them holds the instance). Groups by ARN or by name.
 */
export type LoadBalancerRef =
  | { readonly region: string; readonly targetGroup: string }
  | { readonly region: string; readonly listener: string; readonly targetGroups: readonly [string, string]; readonly rule?: string };

export interface HealthCheck {
  /** Path of the GET on 127.0.0.1:<port> on the instance, e.g. /healthz. */
  readonly path: string;
  /** Each request's timeout. */
  readonly timeoutSeconds: number;
  /** Attempts after the restart before the instance counts as unhealthy. */
  readonly retries: number;
  readonly intervalSeconds: number;
}

export interface DeployFile {
  readonly version: 1;
  /** The systemd unit, /opt/<service>, /etc/<service>/env and the system user. */
  readonly service: string;
  /** The Go package to build, relative to the deploy file (`.`, `./cmd/server`). */
  readonly build: { readonly package: string; readonly versionVariable: string };
  readonly port: number;
  readonly health: HealthCheck;
  readonly instances: readonly InstanceSelector[];
  /** Files and folders shipped beside the binary, relative to the deploy file. */
  readonly files: readonly string[];
  readonly strategy: Strategy;
  /** The load balancer in front of the instances, when there is one. */
  readonly loadBalancer?: LoadBalancerRef;
  /** Releases kept on each instance, the current one included. */
  readonly keepReleases: number;
  /** What restarts the service; `{service}` stands for the service name. */
  readonly restartCommand: string;
  /**
   * Exits 0 while the service runs (part of the health gate); `{service}` as above. Required
   * beside a restartCommand that is not systemctl.
   */
  readonly statusCommand: string;
}

export interface DeployFileProblem {
  /** 1-based, as the Problems view shows it. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export type DeployFileResult = { readonly ok: true; readonly file: DeployFile } | { readonly ok: false; readonly problems: readonly DeployFileProblem[] };

export const DEFAULTS = {
  versionVariable: 'main.version',
  healthPath: '/healthz',
  timeoutSeconds: 5,
  retries: 30,
  intervalSeconds: 1,
  keepReleases: 5,
  bakeSeconds: 60,
  keepSeconds: 3600,
  canarySteps: [10, 50, 100] as readonly number[],
  restartCommand: 'systemctl restart {service}',
  statusCommand: 'systemctl is-active {service}',
  onFailure: 'rollback' as OnFailure,
} as const;

/** Key names that hold secrets elsewhere; none belongs in a file that is committed. */
const SECRET_KEY = /pass(word|wd)?$|secret|token|credential|private.?key|api.?key|access.?key|^dsn$|database.?url/i;
/** Values that are secrets whatever their key says. */
const SECRET_VALUE = /-----BEGIN [A-Z ]*PRIVATE KEY-----|\bAKIA[0-9A-Z]{16}\b|\b[\w.-]+:[^@\s/]+@(tcp\()?[\w.-]+|\b\w*(PASSWORD|PASSWD|SECRET|TOKEN)\w*=\S/i;

const SERVICE = /^[a-z][a-z0-9-]{0,31}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** The keys each object may hold, for the unknown-key check (and the schema test). */
export const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': ['version', 'service', 'build', 'port', 'health', 'instances', 'files', 'strategy', 'loadBalancer', 'releases', 'restartCommand', 'statusCommand'],
  loadBalancer: ['targetGroup', 'listener', 'targetGroups', 'rule', 'region'],
  build: ['package', 'versionVariable'],
  health: ['path', 'timeoutSeconds', 'retries', 'intervalSeconds'],
  'instances[]': ['region', 'ids', 'tag'],
  strategy: ['kind', 'batch', 'canary', 'bakeSeconds', 'steps', 'max5xx', 'keepSeconds', 'rdsBlueGreen', 'onFailure'],
  releases: ['keep'],
};

type Path = ReadonlyArray<string | number>;

class Reader {
  readonly problems: DeployFileProblem[] = [];
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Line/column of the node at path (the nearest existing parent when it is missing). */
  at(path: Path): { line: number; column: number } {
    for (let p = [...path]; ; p = p.slice(0, -1)) {
      const node = (p.length ? this.doc.getIn(p, true) : this.doc.contents) as Node | undefined;
      if (node?.range) return { line: this.lines.linePos(node.range[0]).line, column: this.lines.linePos(node.range[0]).col };
      if (p.length === 0) return { line: 1, column: 1 };
    }
  }

  problem(path: Path, message: string): void {
    this.problems.push({ ...this.at(path), message });
  }
}

const where = (path: Path): string => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');

/** Walks every key and value, refusing what looks like a secret. */
function refuseSecrets(node: unknown, path: Path, r: Reader): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (SECRET_KEY.test(key)) {
        r.problem([...path, key], t('"{0}" looks like a secret. The deploy file is committed with the project and must not hold one: the database password goes to the instance\'s env file from the editor\'s secret storage.', where([...path, key])));
        continue;
      }
      refuseSecrets(pair.value, [...path, key], r);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => refuseSecrets(item, [...path, i], r));
  } else if (isScalar(node) && typeof node.value === 'string' && SECRET_VALUE.test(node.value)) {
    r.problem(path, t('The value of "{0}" looks like a secret (a private key, an access key, a password or a DSN with one). The deploy file must not hold one.', where(path)));
  }
}

function unknownKeys(value: Record<string, unknown>, shape: string, path: Path, r: Reader): void {
  const known = KNOWN_KEYS[shape];
  for (const key of Object.keys(value)) {
    // A secret-looking key has its own problem already.
    if (!known.includes(key) && !SECRET_KEY.test(key)) r.problem([...path, key], t('Unknown key "{0}". Expected one of: {1}.', where([...path, key]), known.join(', ')));
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function integer(value: unknown, path: Path, r: Reader, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    r.problem(path, t('"{0}" must be a whole number from {1} to {2}.', where(path), min, max));
    return fallback;
  }
  return value;
}

function text(value: unknown, path: Path, r: Reader, fallback?: string): string | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !value.trim()) {
    r.problem(path, t('"{0}" must be a non-empty string.', where(path)));
    return fallback;
  }
  return value.trim();
}

/** `2`, or `"25%"`. */
export function parseInstanceCount(value: unknown): InstanceCount | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return { count: value };
  const m = typeof value === 'string' ? /^\s*(\d{1,3})\s*%\s*$/.exec(value) : null;
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 100) return { percent: Number(m[1]) };
  return undefined;
}

function count(value: unknown, path: Path, r: Reader, fallback: InstanceCount): InstanceCount {
  if (value === undefined) return fallback;
  const c = parseInstanceCount(value);
  if (!c) r.problem(path, t('"{0}" must be a number of instances (1 or more) or a share such as "25%".', where(path)));
  return c ?? fallback;
}

function readStrategy(value: unknown, r: Reader): Strategy {
  const fallback: Strategy = { kind: 'rolling', batch: { count: 1 }, onFailure: DEFAULTS.onFailure };
  if (value === undefined) return fallback;
  if (!isObject(value)) {
    r.problem(['strategy'], t('"strategy" must be a mapping with a "kind".'));
    return fallback;
  }
  unknownKeys(value, 'strategy', ['strategy'], r);
  let onFailure: OnFailure = DEFAULTS.onFailure;
  if (value.onFailure !== undefined) {
    if (value.onFailure === 'rollback' || value.onFailure === 'keep') onFailure = value.onFailure;
    else r.problem(['strategy', 'onFailure'], t('"strategy.onFailure" must be "rollback" (instances already on the new release go back) or "keep" (they stay on it).'));
  }
  const kind = value.kind;
  const only = (allowed: string[]) => {
    for (const key of ['batch', 'canary', 'bakeSeconds', 'steps', 'max5xx', 'keepSeconds', 'rdsBlueGreen']) {
      if (value[key] !== undefined && !allowed.includes(key)) r.problem(['strategy', key], t('"strategy.{0}" does not apply to the {1} strategy.', key, String(kind)));
    }
  };
  switch (kind) {
    case 'bigBang':
      only([]);
      return { kind, onFailure };
    case 'rolling':
      only(['batch']);
      return { kind, batch: count(value.batch, ['strategy', 'batch'], r, { count: 1 }), onFailure };
    case 'canary': {
      only(['batch', 'canary', 'bakeSeconds', 'steps', 'max5xx']);
      const steps = readSteps(value.steps, r);
      const max5xx = value.max5xx === undefined ? undefined : integer(value.max5xx, ['strategy', 'max5xx'], r, 0, 1_000_000, 0);
      return {
        kind,
        canary: count(value.canary, ['strategy', 'canary'], r, { count: 1 }),
        bakeSeconds: integer(value.bakeSeconds, ['strategy', 'bakeSeconds'], r, 0, 3600, DEFAULTS.bakeSeconds),
        batch: count(value.batch, ['strategy', 'batch'], r, { count: 1 }),
        onFailure,
        ...(steps ? { steps } : {}),
        ...(max5xx !== undefined ? { max5xx } : {}),
      };
    }
    case 'blueGreen': {
      only(['keepSeconds', 'batch', 'rdsBlueGreen']);
      const rdsBlueGreen = value.rdsBlueGreen === undefined ? undefined : text(value.rdsBlueGreen, ['strategy', 'rdsBlueGreen'], r);
      return {
        kind,
        keepSeconds: integer(value.keepSeconds, ['strategy', 'keepSeconds'], r, 0, 86_400, DEFAULTS.keepSeconds),
        batch: count(value.batch, ['strategy', 'batch'], r, { percent: 100 }),
        onFailure,
        ...(rdsBlueGreen ? { rdsBlueGreen } : {}),
      };
    }
    default:
      r.problem(['strategy', 'kind'], t('"strategy.kind" must be one of: bigBang, rolling, canary, blueGreen.'));
      return fallback;
  }
}

/** The canary group's shares, in percent: 1 to 100, each above the one before. */
function readSteps(value: unknown, r: Reader): number[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [];
  const ok = list.length > 0 && list.every((x, i) => typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 100 && (i === 0 || x > (list[i - 1] as number)));
  if (ok) return list as number[];
  r.problem(['strategy', 'steps'], t('"strategy.steps" must list the canary group\'s share of traffic in percent, rising, from 1 to 100 (such as [10, 50, 100]).'));
  return undefined;
}

function readInstances(value: unknown, r: Reader): InstanceSelector[] {
  const list: unknown[] = Array.isArray(value) ? value : [];
  if (list.length === 0) r.problem(['instances'], t('"instances" must list, per region, instance ids or a tag such as App=goapp.'));
  const out: InstanceSelector[] = [];
  list.forEach((item, i) => {
    const path: Path = ['instances', i];
    if (!isObject(item)) return r.problem(path, t('Each entry of "instances" must be a mapping with a region and ids or a tag.'));
    unknownKeys(item, 'instances[]', path, r);
    const region = text(item.region, [...path, 'region'], r);
    if (region === undefined) r.problem(path, t('"{0}" needs a "region".', where(path)));
    else if (!REGION.test(region)) r.problem([...path, 'region'], t('"{0}" is not an AWS region name (such as eu-west-1).', region));
    const hasIds = item.ids !== undefined;
    const hasTag = item.tag !== undefined;
    if (hasIds === hasTag) return r.problem(path, t('"{0}" needs either "ids" or "tag", not both.', where(path)));
    if (hasIds) {
      const ids = Array.isArray(item.ids) ? item.ids : [item.ids];
      const bad = ids.filter((id) => typeof id !== 'string' || !INSTANCE_ID.test(id));
      if (bad.length || ids.length === 0) return r.problem([...path, 'ids'], t('"{0}.ids" must list instance ids such as i-0123456789abcdef0.', where(path)));
      if (region) out.push({ region, ids: ids as string[] });
      return;
    }
    const tag = typeof item.tag === 'string' ? /^([^=]+)=(.*)$/.exec(item.tag) : null;
    if (!tag || !tag[1].trim()) return r.problem([...path, 'tag'], t('"{0}.tag" must be Key=Value, such as App=goapp.', where(path)));
    if (region) out.push({ region, tag: { key: tag[1].trim(), value: tag[2].trim() } });
  });
  return out;
}

function readTargetGroupRef(value: unknown, path: Path, r: Reader): string | undefined {
  const ref = typeof value === 'string' ? value.trim() : '';
  if (isTargetGroupArn(ref) || isTargetGroupName(ref)) return ref;
  r.problem(path, t('"{0}" must be a target group\'s ARN (arn:aws:elasticloadbalancing:…:targetgroup/…) or its name (1 to 32 letters, digits and hyphens).', where(path)));
  return undefined;
}

/** The region of the load balancer: from an ARN, else "region", else the one region of the instances. */
function loadBalancerRegion(value: Record<string, unknown>, refs: readonly string[], instances: readonly InstanceSelector[], r: Reader): string | undefined {
  const fromArns = [...new Set(refs.map(regionOfElbArn).filter((x): x is string => x !== undefined))];
  const given = text(value.region, ['loadBalancer', 'region'], r);
  if (given !== undefined && !REGION.test(given)) r.problem(['loadBalancer', 'region'], t('"{0}" is not an AWS region name (such as eu-west-1).', given));
  const regions = [...new Set([...fromArns, ...(given ? [given] : [])])];
  if (regions.length > 1) r.problem(['loadBalancer'], t('"loadBalancer" names more than one region ({0}): a load balancer and its target groups are in one region.', regions.join(', ')));
  if (regions.length) return regions[0];
  const ofInstances = [...new Set(instances.map((i) => i.region))];
  if (ofInstances.length === 1) return ofInstances[0];
  r.problem(['loadBalancer'], t('"loadBalancer" needs a "region": the instances are in more than one region.'));
  return undefined;
}

function readLoadBalancer(value: unknown, instances: readonly InstanceSelector[], r: Reader): LoadBalancerRef | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) {
    r.problem(['loadBalancer'], t('"loadBalancer" must be a mapping with "targetGroup", or with "listener" and two "targetGroups".'));
    return undefined;
  }
  unknownKeys(value, 'loadBalancer', ['loadBalancer'], r);
  if ((value.targetGroup === undefined) === (value.listener === undefined)) {
    r.problem(['loadBalancer'], t('"loadBalancer" needs either "targetGroup" or "listener" (with two "targetGroups"), not both.'));
    return undefined;
  }
  if (value.targetGroup !== undefined) {
    if (value.targetGroups !== undefined) r.problem(['loadBalancer', 'targetGroups'], t('"loadBalancer.targetGroups" goes with "listener"; beside "targetGroup" name one group.'));
    if (value.rule !== undefined) r.problem(['loadBalancer', 'rule'], t('"loadBalancer.rule" goes with "listener" and two "targetGroups".'));
    const group = readTargetGroupRef(value.targetGroup, ['loadBalancer', 'targetGroup'], r);
    const region = loadBalancerRegion(value, group ? [group] : [], instances, r);
    return group && region ? { region, targetGroup: group } : undefined;
  }
  const listener = typeof value.listener === 'string' ? value.listener.trim() : '';
  if (!isListenerArn(listener)) r.problem(['loadBalancer', 'listener'], t('"loadBalancer.listener" must be a listener\'s ARN (arn:aws:elasticloadbalancing:…:listener/app/…).'));
  const list = Array.isArray(value.targetGroups) ? (value.targetGroups as unknown[]) : [];
  if (list.length !== 2) {
    r.problem(['loadBalancer', 'targetGroups'], t('"loadBalancer.targetGroups" must list the listener\'s two target groups (blue and green, or stable and canary).'));
    return undefined;
  }
  const groups = list.map((g, i) => readTargetGroupRef(g, ['loadBalancer', 'targetGroups', i], r));
  if (groups[0] !== undefined && groups[0] === groups[1]) r.problem(['loadBalancer', 'targetGroups', 1], t('"loadBalancer.targetGroups" must name two different groups.'));
  const region = loadBalancerRegion(value, [listener, ...groups.filter((g): g is string => g !== undefined)], instances, r);
  const rule = value.rule === undefined ? undefined : typeof value.rule === 'string' ? value.rule.trim() : '';
  if (rule !== undefined && !isListenerRuleArn(rule)) r.problem(['loadBalancer', 'rule'], t('"loadBalancer.rule" must be a listener rule\'s ARN (arn:aws:elasticloadbalancing:…:listener-rule/app/…): the rule whose forward action holds the two groups.'));
  const [a, b] = groups;
  return isListenerArn(listener) && a && b && region ? { region, listener, targetGroups: [a, b], ...(rule && isListenerRuleArn(rule) ? { rule } : {}) } : undefined;
}

function readFiles(value: unknown, r: Reader): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    r.problem(['files'], t('"files" must be a list of paths relative to the deploy file.'));
    return [];
  }
  const out: string[] = [];
  value.forEach((f, i) => {
    if (typeof f !== 'string' || !f.trim()) return r.problem(['files', i], t('"files[{0}]" must be a path relative to the deploy file.', i));
    const norm = f.trim().replace(/\\/g, '/');
    if (norm.startsWith('/') || norm.split('/').includes('..')) return r.problem(['files', i], t('"{0}" must stay inside the project (a relative path without "..").', norm));
    out.push(norm);
  });
  return out;
}

/** Reads and checks the deploy file's text. */
export function parseDeployFile(source: string): DeployFileResult {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r = new Reader(doc, lines);
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const pos = lines.linePos(e.pos[0]);
      r.problems.push({ line: pos.line, column: pos.col, message: t('The deploy file is not valid YAML: {0}', e.message.split('\n')[0]) });
    }
    return { ok: false, problems: r.problems };
  }
  refuseSecrets(doc.contents, [], r);
  const root: unknown = doc.toJS();
  if (!isObject(root)) return { ok: false, problems: [...r.problems, { line: 1, column: 1, message: t('The deploy file must be a mapping (service, build, port, instances, strategy…).') }] };
  unknownKeys(root, '', [], r);
  if (root.version !== DEPLOY_FILE_VERSION) r.problem(['version'], t('"version" must be {0}.', DEPLOY_FILE_VERSION));
  const service = text(root.service, ['service'], r);
  if (service === undefined) r.problem([], t('"service" is missing: the name of the service on the instances (its systemd unit, /opt/<service>).'));
  else if (!SERVICE.test(service)) r.problem(['service'], t('"service" must be lower-case letters, digits and dashes, starting with a letter (at most 32): it names a systemd unit, a folder and a system user.'));

  const build = isObject(root.build) ? root.build : {};
  if (root.build !== undefined && !isObject(root.build)) r.problem(['build'], t('"build" must be a mapping with "package".'));
  else unknownKeys(build, 'build', ['build'], r);
  const pkg = text(build.package, ['build', 'package'], r, '.') ?? '.';
  if (pkg.startsWith('/') || pkg.split('/').includes('..')) r.problem(['build', 'package'], t('"build.package" must be a package inside the project, such as . or ./cmd/server.'));
  const versionVariable = text(build.versionVariable, ['build', 'versionVariable'], r, DEFAULTS.versionVariable) ?? DEFAULTS.versionVariable;
  if (!/^[\w./-]+\.[A-Za-z_]\w*$/.test(versionVariable)) r.problem(['build', 'versionVariable'], t('"build.versionVariable" must be a Go variable such as main.version.'));

  const port = root.port === undefined ? (r.problem([], t('"port" is missing: the port the app listens on, on the instance.')), 0) : integer(root.port, ['port'], r, 1, 65535, 0);

  const health = isObject(root.health) ? root.health : {};
  if (root.health !== undefined && !isObject(root.health)) r.problem(['health'], t('"health" must be a mapping with "path".'));
  else unknownKeys(health, 'health', ['health'], r);
  const healthPath = text(health.path, ['health', 'path'], r, DEFAULTS.healthPath) ?? DEFAULTS.healthPath;
  if (!/^\/[\x21-\x7e]*$/.test(healthPath)) r.problem(['health', 'path'], t('"health.path" must start with / (such as /healthz).'));

  const releases = isObject(root.releases) ? root.releases : {};
  if (root.releases !== undefined && !isObject(root.releases)) r.problem(['releases'], t('"releases" must be a mapping with "keep".'));
  else unknownKeys(releases, 'releases', ['releases'], r);

  const instances = readInstances(root.instances, r);
  const loadBalancer = readLoadBalancer(root.loadBalancer, instances, r);
  const file: DeployFile = {
    version: 1,
    service: service ?? '',
    build: { package: pkg, versionVariable },
    port,
    health: {
      path: healthPath,
      timeoutSeconds: integer(health.timeoutSeconds, ['health', 'timeoutSeconds'], r, 1, 300, DEFAULTS.timeoutSeconds),
      retries: integer(health.retries, ['health', 'retries'], r, 1, 1000, DEFAULTS.retries),
      intervalSeconds: integer(health.intervalSeconds, ['health', 'intervalSeconds'], r, 0, 300, DEFAULTS.intervalSeconds),
    },
    instances,
    files: readFiles(root.files, r),
    strategy: readStrategy(root.strategy, r),
    ...(loadBalancer ? { loadBalancer } : {}),
    keepReleases: integer(releases.keep, ['releases', 'keep'], r, 2, 100, DEFAULTS.keepReleases),
    restartCommand: text(root.restartCommand, ['restartCommand'], r, DEFAULTS.restartCommand) ?? DEFAULTS.restartCommand,
    statusCommand: text(root.statusCommand, ['statusCommand'], r, DEFAULTS.statusCommand) ?? DEFAULTS.statusCommand,
  };
  // Without systemd, `systemctl is-active` cannot tell whether the service runs: the health gate needs the layout's own.
  if (root.statusCommand === undefined && !/\bsystemctl\b/.test(file.restartCommand)) {
    r.problem(['restartCommand'], t('"restartCommand" does not use systemctl: set "statusCommand" too, a command that exits 0 while the service runs (the health check needs it).'));
  }
  if (file.strategy.kind === 'blueGreen' && !(loadBalancer && 'listener' in loadBalancer)) {
    r.problem(['strategy', 'kind'], t('Blue/Green switches a listener between two target groups: "loadBalancer" needs "listener" and two "targetGroups".'));
  }
  if (file.strategy.kind === 'canary' && file.strategy.max5xx !== undefined && !(loadBalancer && 'listener' in loadBalancer)) {
    r.problem(['strategy', 'max5xx'], t('"strategy.max5xx" reads the canary target group\'s 5xx count from CloudWatch: "loadBalancer" needs "listener" and two "targetGroups".'));
  }
  if (r.problems.length) return { ok: false, problems: r.problems.sort((a, b) => a.line - b.line || a.column - b.column) };
  return { ok: true, file };
}

/** The file the guided first deploy writes (YAML, with comments a person can follow). */
export function deployFileText(f: Pick<DeployFile, 'service' | 'port' | 'instances' | 'files' | 'strategy'> & { readonly buildPackage?: string; readonly healthPath?: string }): string {
  const count = (c: InstanceCount) => ('percent' in c ? `"${c.percent}%"` : String(c.count));
  const lines = [
    '# How RDS Link deploys this app. Commit it: teammates deploy the same way. Never put a secret here.',
    `version: ${DEPLOY_FILE_VERSION}`,
    `service: ${f.service}`,
    'build:',
    `  package: ${JSON.stringify(f.buildPackage ?? '.')}`,
    `port: ${f.port}`,
    'health:',
    `  path: ${f.healthPath ?? DEFAULTS.healthPath}`,
    'instances:',
    ...f.instances.flatMap((s) => [`  - region: ${s.region}`, 'ids' in s ? `    ids: [${s.ids.join(', ')}]` : `    tag: ${JSON.stringify(`${s.tag.key}=${s.tag.value}`)}`]),
    ...(f.files.length ? ['files:', ...f.files.map((x) => `  - ${JSON.stringify(x)}`)] : []),
    'strategy:',
    `  kind: ${f.strategy.kind}`,
    ...(f.strategy.kind === 'rolling' ? [`  batch: ${count(f.strategy.batch)}`] : []),
    ...(f.strategy.kind === 'canary' ? [`  canary: ${count(f.strategy.canary)}`, `  bakeSeconds: ${f.strategy.bakeSeconds}`, `  batch: ${count(f.strategy.batch)}`] : []),
    ...(f.strategy.kind === 'canary' && f.strategy.steps ? [`  steps: [${f.strategy.steps.join(', ')}]`] : []),
    ...(f.strategy.kind === 'canary' && f.strategy.max5xx !== undefined ? [`  max5xx: ${f.strategy.max5xx}`] : []),
    ...(f.strategy.kind === 'blueGreen' ? [`  keepSeconds: ${f.strategy.keepSeconds}`] : []),
    ...(f.strategy.kind === 'blueGreen' && f.strategy.rdsBlueGreen ? [`  rdsBlueGreen: ${JSON.stringify(f.strategy.rdsBlueGreen)}`] : []),
    `  onFailure: ${f.strategy.onFailure}`,
    '',
  ];
  return lines.join('\n');
}
