/**
 * Public shapes of the Go-config quick-fix core. Offsets are UTF-16 code-unit offsets into the
 * document text as given (what VS Code's `TextDocument.offsetAt` returns), BOM included.
 */

/** The config formats we understand, decided from the file name (see {@link configFormatOf}). */
export type ConfigFormat = 'env' | 'yaml' | 'compose' | 'json' | 'toml' | 'ini' | 'go';

/**
 * What a setting configures. `hostPort` is one field holding `host:port`; `dsn` is a go-sql-driver
 * DSN (`user:pass@tcp(host:3306)/db?params`); `url` is a `mysql://user:pass@host:3306/db` URL.
 */
export type SettingRole = 'host' | 'port' | 'hostPort' | 'user' | 'password' | 'database' | 'dsn' | 'url';

/** How the value token is written in the file. Numbers and unquoted scalars are `none`. */
export type Quoting = 'none' | 'single' | 'double' | 'backtick';

/** A half-open range [start, end) of offsets into the document text. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/** A replacement of `length` characters at `offset` by `newText`, in original-text offsets. */
export interface TextEdit {
  readonly offset: number;
  readonly length: number;
  readonly newText: string;
}

/** Which placeholder syntax holds a default value. */
export type PlaceholderSyntax =
  /** `${KEY:default}` (viper/env-substitution style). */
  | 'colon'
  /** beego `${ENV||default}`. */
  | 'beego'
  /** docker-compose / shell `${VAR:-default}` or `${VAR-default}`. */
  | 'compose'
  /** Go code: `getenv("KEY", "default")`, `os.Getenv` + `if x == "" { x = "default" }`, env struct tags, flags. */
  | 'goDefault'
  /** Go code: `viper.SetDefault("database.host", "default")`: config files and env vars win over it. */
  | 'viperDefault';

/** The setting's value is only a default: something else (an env var, a flag, a config file) wins when set. */
export interface Placeholder {
  readonly syntax: PlaceholderSyntax;
  /** What wins over the default: an env var name, a flag name, or a viper key. */
  readonly variable: string;
}

/** The parts of a DSN or URL value, decoded (the URL password is percent-decoded). */
export interface DsnInfo {
  readonly form: 'go' | 'url';
  readonly user?: string;
  readonly password?: string;
  /** go-sql-driver network (`tcp`, `unix`, ...); absent in a URL. */
  readonly net?: string;
  readonly host?: string;
  readonly port?: number;
  readonly database: string;
  /** The raw query string after `?`, never rewritten. */
  readonly params?: string;
  /** A template to fill (`user:password@tcp(host:port)/dbname`): the parts that hold placeholder words. */
  readonly placeholders?: readonly ('user' | 'password' | 'host' | 'port' | 'database')[];
  /** GoFrame's link type before the DSN (`mysql` in `mysql:user:pass@tcp(...)/db`), kept as written. */
  readonly linkType?: string;
}

/** One database setting found in a config file. */
export interface ConfigSetting {
  readonly role: SettingRole;
  /** Where it sits, as a person would name it: `DB_HOST`, `database.mysql.host`, `services.app.environment.DB_HOST`, `fmt.Sprintf DSN (host)`. */
  readonly key: string;
  /** Settings that configure one connection (one section, one service, one DSN) share a group id. */
  readonly group: string;
  /** The current value, decoded (for a placeholder: its default; for a DSN: the whole DSN). */
  readonly value: string;
  /** Where that value is written (for a placeholder: only the default). An empty span means "no value yet". */
  readonly span: TextSpan;
  /** The whole token as written, quotes included. A patch edits only inside it (it may requote it when the quoting cannot hold the new value). */
  readonly tokenSpan: TextSpan;
  readonly quoting: Quoting;
  readonly placeholder?: Placeholder;
  /** For `dsn` and `url` roles. */
  readonly dsn?: DsnInfo;
  /** A component of a `mysql://` URL (e.g. a Sprintf arg): written percent-encoded. */
  readonly urlEncoded?: boolean;
  /** A DSN without a database part whose database the app takes from this other key: the DSN stays without one. */
  readonly databaseElsewhere?: string;
}

/** A connection section: where missing keys can be added, if the format has an obvious place. */
export interface SettingGroup {
  readonly id: string;
  /** `database`, `services.app`, `.env`, `DSN literal`... */
  readonly label: string;
  readonly roles: readonly SettingRole[];
  /** True when a key the target needs but the group lacks can be added here. */
  readonly canAddKeys: boolean;
}

/** Why a database-looking value was left alone. */
export type IgnoreReason =
  /** Sits under another service (redis, smtp, postgres, cache...). */
  | 'otherService'
  /** The section's driver is not MySQL (`driver: postgres`). */
  | 'notMysql'
  /** The DB server's own bootstrap variable (`MYSQL_ROOT_PASSWORD` on the mysql service). */
  | 'bootstrap'
  /** The app's code reads this section but never this key (learned from its Go source). */
  | 'notRead'
  /** In a section the running app does not connect with: a code generator, migrations, tests, backups. */
  | 'notRuntime'
  /** Built from other keys or env vars (`${DB_USER}:${DB_PASS}@...`). */
  | 'template'
  /** Written in a way we do not rewrite (block scalar, multi-line string, alias...). */
  | 'unsupported';

export interface IgnoredSetting {
  readonly key: string;
  readonly span: TextSpan;
  readonly reason: IgnoreReason;
}

/** Where the file stops being readable. `line` and `column` are 1-based. */
export interface ParseFailure {
  readonly reason: string;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** What {@link detectConfig} found in one file. Settings are sorted by `span.start` and never overlap. */
export interface Detection {
  readonly fileName: string;
  readonly format: ConfigFormat;
  readonly settings: readonly ConfigSetting[];
  readonly groups: readonly SettingGroup[];
  readonly ignored: readonly IgnoredSetting[];
  /** The file's line ending, used for any line a patch adds. */
  readonly eol: '\n' | '\r\n';
  /** Set when the file does not parse: then `settings` is empty and a patch is refused. */
  readonly failure?: ParseFailure;
  /** `code`: some keys were matched by the app's Go source (a code map); `guess`: by their names only. */
  readonly keySource: 'code' | 'guess';
}

/** The RDS database to point the config at. */
export interface DbTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Absent: passwords in the file are left as they are (e.g. the user chose to keep secrets out of a tracked file). */
  readonly password?: string;
  readonly database: string;
}

export interface PatchOptions {
  /** Patch only these groups (ids from {@link Detection.groups}); all groups when absent. */
  readonly groups?: readonly string[];
  /** Add keys the target needs that a group lacks, where the format has an obvious place (default true). */
  readonly addMissing?: boolean;
}

export interface SettingChange {
  readonly setting: ConfigSetting;
  readonly newValue: string;
}

export interface AddedKey {
  readonly group: string;
  readonly role: SettingRole;
  /** The new key, with its section path (`database.password`). */
  readonly key: string;
  /** Where its line was inserted (one insertion edit holds all of a group's new lines). */
  readonly offset: number;
}

export interface MissingKey {
  readonly group: string;
  readonly role: SettingRole;
  /** Where the app's code takes it from instead (an env var name, as the code writes it), when known. */
  readonly from?: string;
}

export type PatchWarningCode =
  /** Only a default was changed: a set env var / flag / config value still wins. */
  | 'defaultOnly'
  /** The new value cannot be written in that place (e.g. a `}` inside a placeholder default). */
  | 'cannotWrite'
  /** A key was added: the app's config loader has to read it. */
  | 'addedKey'
  /** The target needs a key the group lacks, and the format has no obvious place for it. */
  | 'missingKey'
  /** The file has no MySQL settings we could rewrite. */
  | 'nothingFound'
  /** A DSN template (`user:password@tcp(host:port)/dbname`) was filled in: the message says what each part became. */
  | 'filledTemplate';

export interface PatchWarning {
  readonly code: PatchWarningCode;
  /** Human-facing, localized. */
  readonly message: string;
  readonly key?: string;
}

export interface PatchPlan {
  readonly ok: true;
  /** Sorted by offset, non-overlapping; replacements stay inside a setting's `tokenSpan`, additions are insertions. */
  readonly edits: readonly TextEdit[];
  readonly changes: readonly SettingChange[];
  readonly added: readonly AddedKey[];
  readonly missing: readonly MissingKey[];
  readonly warnings: readonly PatchWarning[];
}

/** A file that does not parse is refused with the reason; nothing is edited. */
export interface PatchRefusal {
  readonly ok: false;
  readonly error: ConfigParseError;
}

export type PatchResult = PatchPlan | PatchRefusal;

/** The typed refusal: the file does not parse as its format, so nothing in it is rewritten. */
export class ConfigParseError extends Error {
  constructor(
    message: string,
    readonly fileName: string,
    readonly format: ConfigFormat,
    readonly failure: ParseFailure,
  ) {
    super(message);
    this.name = 'ConfigParseError';
  }
}

/**
 * The connection one group of settings makes, as the file now reads: what the app will use
 * when it takes that group. A part the file does not hold (no `user` key, `host: ${DB_HOST}`) is absent.
 */
export interface EffectiveConnection {
  readonly group: string;
  readonly label: string;
  readonly host?: string;
  /** go-sql-driver's default 3306 when the group has a host but no port. */
  readonly port?: number;
  readonly user?: string;
  readonly database?: string;
}

/** One thing that still points elsewhere after a patch, said in a sentence that names the key. */
export interface StillElsewhere {
  readonly key: string;
  readonly role: SettingRole;
  /** `value`: written but not the target's; `missing`: no such key; `outside`: the value comes from an env var or other keys. */
  readonly why: 'value' | 'missing' | 'outside';
  readonly message: string;
}

/**
 * What a patch achieved, checked by reading the patched text again: `onTarget` only when every
 * patched connection now reads as the target; `partial` lists what still points elsewhere;
 * `nothing` says in one sentence which key was left alone and why.
 */
export type PatchVerdict =
  | { readonly kind: 'onTarget'; readonly connections: readonly EffectiveConnection[] }
  | { readonly kind: 'partial'; readonly connections: readonly EffectiveConnection[]; readonly elsewhere: readonly StillElsewhere[]; readonly message: string }
  | { readonly kind: 'nothing'; readonly key?: string; readonly message: string };
