/**
 * The script a fleet deploy runs on each instance through SSM Run Command (AWS-RunShellScript,
 * which runs it as root with sh). A Run Command slot frees only when the script exits, so the
 * whole per-instance deploy is in it, the health gate included:
 *
 *   fetch each shipped object by its presigned GET URL (curl or wget, whichever the host has),
 *   verify its sha256, install it as releases/<release> (releases.ts' own script), write the env
 *   file (0600) from what the instance itself reads from Parameter Store, switch `current`,
 *   restart, then the gate: the service is active and GET 127.0.0.1:<port><path> answers 2xx,
 *   within the retries. An unhealthy release puts `current` back on the release the instance ran
 *   before and restarts. Old releases are pruned last. The last line of the output is
 *   `RDS-LINK-RESULT {json}`, which parseScriptResult reads.
 *
 * The layout's scripts are the same text the SSH path runs (one dialect). The password is never
 * in this text: SSM keeps every command's parameters in its history, so the env file comes from a
 * SecureString parameter that the instance reads with its own role (readSecretCommand).
 * The script prints little (the invocation's stdout is capped at 24,000 characters, cut at the
 * end, where the result line is): each step's stderr goes to a temp file, and its last lines into
 * the result's detail.
 */
import { t } from '../l10n';
import type { HealthCheck } from './deployFile';
import { shellQuote, type ReleaseLayout } from './releases';

export const RESULT_MARKER = 'RDS-LINK-RESULT';

/** One object fetched onto the instance: its name in the staging folder (the binary as <binary>.gz). */
export interface ShippedObject {
  readonly name: string;
  /** A presigned GET URL (short expiry; made just before the batch's SendCommand). */
  readonly url: string;
  readonly sha256: string;
}

export interface SsmScriptOptions {
  readonly layout: ReleaseLayout;
  readonly release: string;
  readonly objects: readonly ShippedObject[];
  /** Objects that came gzipped (name without .gz): unpacked by the install step. */
  readonly gzipped: readonly string[];
  /** Prints the env file's text (run on the instance); absent: the env file stays as it is. */
  readonly readSecretCommand?: string;
  /** The deploy file's restartCommand and statusCommand ({service} filled in by the layout). */
  readonly restartCommand: string;
  readonly statusCommand: string;
  readonly port: number;
  readonly health: HealthCheck;
  readonly keepReleases: number;
}

/** The shell functions every script here starts with: the result line, failing, the reason. */
function prelude(layout: ReleaseLayout, release: string): string[] {
  return [
    `# RDS Link: ${layout.service} ${release} (generated; the last line of the output is the result)`,
    'err=$(mktemp)',
    `previous=$(${layout.currentReleaseCommand()})`,
    'export previous',
    // Quotes, backslashes and control characters would break the JSON: dropped from the detail.
    `result() { d=$(printf '%s' "$3" | tr '\\n\\t' '  ' | tr -d '\\000-\\037"\\\\' | cut -c1-400); printf '\\n%s {"status":"%s","step":"%s","release":"%s","previous":"%s","detail":"%s"}\\n' ${RESULT_MARKER} "$1" "$2" ${shellQuote(release)} "$previous" "$d"; rm -f "$err"; }`,
    `why() { tail -n 3 "$err" 2>/dev/null | tr '\\n' ' '; }`,
    'fail() { result failed "$1" "$2"; exit 1; }',
  ];
}

/** fetch URL FILE and get URL (0 on a 2xx), with curl or wget; says so when the host has neither. */
function httpFunctions(timeoutSeconds: number): string[] {
  const tmo = String(timeoutSeconds);
  return [
    'if command -v curl >/dev/null 2>&1; then',
    '  fetch() { curl -fsS --retry 3 -o "$2" "$1"; }',
    `  get() { c=$(curl -s -o /dev/null -m ${tmo} -w '%{http_code}' "$1" 2>"$err") || c=000; case $c in 2??) return 0;; esac; echo "HTTP $c" >"$err"; return 1; }`,
    'elif command -v wget >/dev/null 2>&1; then',
    '  fetch() { wget -q -O "$2" "$1"; }',
    `  get() { wget -q -T ${tmo} -t 1 -O /dev/null "$1" 2>"$err"; }`,
    'else',
    `  fail fetch ${shellQuote(t('neither curl nor wget is on this instance: install one of them'))}`,
    'fi',
  ];
}

function fetchAndVerify(o: SsmScriptOptions): string[] {
  const staging = o.layout.stagingDir(o.release);
  return [
    `${o.layout.prepareStagingCommand(o.release)} 2>"$err" || fail stage "$(why)"`,
    ...o.objects.flatMap((obj) => {
      const file = shellQuote(`${staging}/${obj.name}`);
      if (!/^[0-9a-f]{64}$/.test(obj.sha256)) throw new Error(`Not a sha256: ${obj.sha256}`);
      // A shipped folder's files come as names with slashes: their folders first.
      const dir = obj.name.includes('/') ? [`mkdir -p ${shellQuote(`${staging}/${obj.name.slice(0, obj.name.lastIndexOf('/'))}`)} 2>"$err" || fail stage "$(why)"`] : [];
      return [
        ...dir,
        `fetch ${shellQuote(obj.url)} ${file} 2>"$err" || fail fetch ${shellQuote(`${obj.name}: `)}"$(why)"`,
        `printf '%s  %s\\n' ${obj.sha256} ${file} | sha256sum -c - >/dev/null 2>"$err" || fail verify ${shellQuote(t('{0} does not match its sha256', obj.name))}`,
      ];
    }),
  ];
}

/** Switch back to $previous and restart; the result says rolledBack (or failed, with why). */
function rollbackFunction(o: SsmScriptOptions, restart: string): string {
  return [
    'back() {',
    '  if [ -z "$previous" ]; then result failed health "$1"; exit 1; fi',
    `  if ${o.layout.asRoot(o.layout.switchToWordScript('"$previous"'))} 2>"$err" && ${restart} >/dev/null 2>>"$err"; then result rolledBack health "$1"; exit 1; fi`,
    `  result failed rollback "$1; "${shellQuote(t('rollback failed:'))}" $(why)"; exit 1`,
    '}',
  ].join('\n');
}

function healthGate(o: SsmScriptOptions, status: string): string[] {
  const h = o.health;
  const url = shellQuote(`http://127.0.0.1:${o.port}${h.path}`);
  const retries = String(h.retries);
  return [
    'n=0; healthy=; detail=',
    `while [ $n -lt ${retries} ]; do`,
    '  n=$((n + 1))',
    `  if ${status} >/dev/null 2>&1; then`,
    `    if get ${url}; then healthy=1; break; fi`,
    `    detail=${shellQuote(`GET ${h.path}: `)}"$(why)"`,
    `  else detail=${shellQuote(t('the service is not active'))}; fi`,
    `  echo "rds-link: health $n/${retries}: $detail"`,
    `  [ $n -lt ${retries} ] && sleep ${String(h.intervalSeconds)}`,
    'done',
    '[ -n "$healthy" ] || back "$detail"',
  ];
}

/** The whole per-instance deploy, for AWS-RunShellScript's `commands`. */
export function ssmDeployScript(o: SsmScriptOptions): string {
  const { layout, release } = o;
  const restart = layout.serviceCommand(o.restartCommand);
  const status = layout.serviceCommand(o.statusCommand);
  const env = o.readSecretCommand
    ? [
        // The env file's text stays in this shell's memory: printf is a builtin, so it is on no command line.
        `envtext=$(${o.readSecretCommand} 2>"$err") || fail env "$(why)"`,
        `printf '%s\\n' "$envtext" | ${layout.asRoot(layout.writeEnvFileScript())} 2>"$err" || fail env "$(why)"`,
        'unset envtext',
      ]
    : [];
  return [
    ...prelude(layout, release),
    ...httpFunctions(o.health.timeoutSeconds),
    'echo "rds-link: fetching the release (was: ${previous:-none})"',
    ...fetchAndVerify(o),
    `${layout.asRoot(layout.installReleaseScript(release, o.gzipped))} >/dev/null 2>"$err" || fail install "$(why)"`,
    ...env,
    `${layout.asRoot(layout.switchScript(release))} 2>"$err" || fail switch "$(why)"`,
    rollbackFunction(o, restart),
    'echo "rds-link: switched, restarting"',
    `${restart} >/dev/null 2>"$err" || back "$(why)"`,
    ...healthGate(o, status),
    // Names sort by time: the previous release is the newest old one, kept whenever keep >= 2.
    `${layout.asRoot(layout.pruneScript(o.keepReleases, []))} >/dev/null 2>"$err" || echo "rds-link: pruning failed: $(why)"`,
    `result deployed done ${shellQuote(`GET ${o.health.path} 2xx`)}`,
    'exit 0',
    '',
  ].join('\n');
}

export interface SsmRollbackScriptOptions {
  readonly layout: ReleaseLayout;
  /** The kept release to go back to. */
  readonly release: string;
  readonly restartCommand: string;
}

/** Puts `current` back on a kept release and restarts (the onFailure: rollback of earlier batches). */
export function ssmRollbackScript(o: SsmRollbackScriptOptions): string {
  const { layout } = o;
  return [
    ...prelude(layout, o.release),
    `${layout.asRoot(layout.switchScript(o.release))} 2>"$err" || fail rollback "$(why)"`,
    `${layout.serviceCommand(o.restartCommand)} >/dev/null 2>"$err" || fail rollback "$(why)"`,
    `result rolledBack rollback ''`,
    'exit 0',
    '',
  ].join('\n');
}

export type ScriptStatus = 'deployed' | 'rolledBack' | 'failed';

export interface ScriptResult {
  readonly status: ScriptStatus;
  /** Where it ended: stage, fetch, verify, install, env, switch, health, rollback, done. */
  readonly step: string;
  readonly release: string;
  /** The release the instance ran before (empty on a first deploy). */
  readonly previous?: string;
  readonly detail: string;
}

/** The last result line of an invocation's output, or undefined when there is none (cut off, killed). */
export function parseScriptResult(output: string): ScriptResult | undefined {
  const lines = output.split('\n').filter((l) => l.startsWith(`${RESULT_MARKER} `));
  const last = lines.at(-1);
  if (!last) return undefined;
  try {
    const v = JSON.parse(last.slice(RESULT_MARKER.length + 1)) as Record<string, unknown>;
    const status = v.status;
    if (status !== 'deployed' && status !== 'rolledBack' && status !== 'failed') return undefined;
    const str = (x: unknown) => (typeof x === 'string' ? x : '');
    return { status, step: str(v.step), release: str(v.release), ...(str(v.previous) ? { previous: str(v.previous) } : {}), detail: str(v.detail) };
  } catch {
    return undefined;
  }
}

/** The steps before `current` moves: a failure there leaves the instance on its old release. */
export const BEFORE_SWITCH: ReadonlySet<string> = new Set(['stage', 'fetch', 'verify', 'install', 'env', 'switch']);
