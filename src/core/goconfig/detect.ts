/**
 * Detection: which config format a file is, and the MySQL settings in it.
 */
import { t } from '../l10n';
import { Collector, walkTree } from './collect';
import type { InternalGroup, InternalSetting, ReadResult } from './model';
import { collectCompose } from './readers/compose';
import { readEnv } from './readers/env';
import { collectGo } from './readers/go';
import { readIni } from './readers/ini';
import { readJson } from './readers/json';
import { readToml } from './readers/toml';
import { readYaml } from './readers/yaml';
import type { KeyMap } from './keymap';
import { ConfigParseError, type ConfigFormat, type Detection, type IgnoreReason, type ParseFailure } from './types';

import { baseName, configFormatOf } from './format';

export { configFormatOf };

const FORMAT_NAMES: Record<ConfigFormat, string> = {
  env: '.env', yaml: 'YAML', compose: 'docker-compose YAML', json: 'JSON', toml: 'TOML', ini: 'INI', go: 'Go',
};

export function formatName(format: ConfigFormat): string {
  return FORMAT_NAMES[format];
}

function eolOf(text: string): '\n' | '\r\n' {
  const nl = text.indexOf('\n');
  return nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
}

/** Reads the file into a tree (or straight into settings, for Go) and collects its settings. */
function read(format: ConfigFormat, fileName: string, text: string, keyMap: KeyMap | undefined): ReadResult {
  const col = new Collector(text, keyMap);
  const walk = { idPrefix: '', rootLabel: baseName(fileName) };
  let failure: ParseFailure | undefined;
  switch (format) {
    case 'env': {
      const tree = readEnv(text);
      failure = tree.failure;
      if (!failure) walkTree(col, tree.root, { ...walk, dollarVars: true });
      break;
    }
    case 'yaml': {
      const tree = readYaml(text);
      failure = tree.failure;
      tree.docs.forEach((root, i) => {
        if (root) walkTree(col, root, { ...walk, idPrefix: tree.docs.length > 1 ? `doc${i}:` : '' });
      });
      break;
    }
    case 'compose': {
      const tree = readYaml(text);
      failure = tree.failure;
      if (!failure) collectCompose(col, tree.docs);
      break;
    }
    case 'json': {
      const tree = readJson(text);
      failure = tree.failure;
      if (tree.root) walkTree(col, tree.root, walk);
      break;
    }
    case 'toml': {
      const tree = readToml(text);
      failure = tree.failure;
      if (!failure) walkTree(col, tree.root, walk);
      break;
    }
    case 'ini': {
      const tree = readIni(text);
      failure = tree.failure;
      if (!failure) walkTree(col, tree.root, walk);
      break;
    }
    case 'go':
      failure = collectGo(col, text);
      break;
  }
  return failure ? { settings: [], groups: [], ignored: [], failure } : col.finish();
}

/**
 * Finds the MySQL settings in a config file. Returns undefined when the file name is not a
 * config format we read (pass `format` to override). Never throws on bad input: a file that does
 * not parse comes back with `failure` set and no settings.
 */
export function detectConfig(
  fileName: string,
  text: string,
  format: ConfigFormat | undefined = configFormatOf(fileName),
  options: { readonly keyMap?: KeyMap } = {},
): Detection | undefined {
  if (!format) return undefined;
  const r = read(format, fileName, text, options.keyMap);
  const km = options.keyMap;
  return {
    fileName,
    format,
    settings: r.settings,
    groups: r.groups,
    ignored: r.ignored,
    eol: eolOf(text),
    failure: r.failure,
    keySource: km && r.settings.some((s) => km.keys.has(s.key.toLowerCase())) ? 'code' : 'guess',
  };
}

/** The typed refusal for a detection whose file does not parse (undefined when it parses). */
export function refusalOf(d: Detection): ConfigParseError | undefined {
  if (!d.failure) return undefined;
  const f = d.failure;
  const message = t(
    '{0} is not valid {1}: {2} (line {3}, column {4}). Nothing was changed.',
    baseName(d.fileName),
    formatName(d.format),
    f.reason,
    f.line,
    f.column,
  );
  return new ConfigParseError(message, d.fileName, d.format, f);
}

const REASONS: Record<IgnoreReason, (key: string) => string> = {
  otherService: (key) => t('{0} was left alone: it belongs to another service, not to the MySQL connection.', key),
  notMysql: (key) => t('{0} was left alone: the driver set beside it is not MySQL.', key),
  bootstrap: (key) => t("{0} was left alone: it sets up the MySQL server itself, it is not the app's connection.", key),
  notRead: (key) => t("{0} was left alone: the app's Go code reads its section but never this key.", key),
  notRuntime: (key) => t('{0} was left alone: it configures a code generator, migrations, tests or backups, not the connection the app runs with.', key),
  template: (key) => t('{0} was left alone: it is built from other keys or environment variables; point those at RDS.', key),
  unsupported: (key) => t('{0} was left alone: it is written in a form RDS Link does not rewrite; change it by hand.', key),
};

/** Why a file gave nothing to patch, in one sentence that names the key (when there is one). */
export function whyNothing(detection: Detection): { key?: string; message: string } {
  const first = detection.ignored[0];
  if (first) return { key: first.key, message: REASONS[first.reason](first.key) };
  return {
    message: t(
      '{0} has no key that reads as a MySQL connection setting (a host, user, database name or DSN under a database section, or named like DB_HOST); nothing was changed.',
      baseName(detection.fileName),
    ),
  };
}

export function internalSettings(d: Detection): readonly InternalSetting[] {
  return d.settings as readonly InternalSetting[];
}

export function internalGroups(d: Detection): readonly InternalGroup[] {
  return d.groups as readonly InternalGroup[];
}
