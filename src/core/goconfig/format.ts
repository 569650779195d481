/**
 * Which config format a file is, from its name alone. Free of parsers, so the VS Code layer can
 * ask it for every opened file without loading the goconfig bundle.
 */
import type { ConfigFormat } from './types';

export function baseName(fileName: string): string {
  const parts = fileName.split(/[\\/]/);
  return parts[parts.length - 1];
}

/**
 * The config format of a file, from its name; undefined for files that are not config we read.
 * `.env`, `.env.local`, `app.env`; `docker-compose*.yml`, `compose.yaml`; `*.yaml`/`*.yml`;
 * `*.json`/`*.jsonc`; `*.toml`; `*.ini`/`*.conf`/`*.cfg` (beego `app.conf`); `*.go` except tests.
 */
export function configFormatOf(fileName: string): ConfigFormat | undefined {
  const base = baseName(fileName).toLowerCase();
  if (base === '.env' || base.startsWith('.env.') || base.endsWith('.env')) return 'env';
  if (/^(docker-)?compose([.-][^/]*)?\.ya?ml$/.test(base)) return 'compose';
  const ext = /\.([a-z0-9]+)$/.exec(base)?.[1];
  switch (ext) {
    case 'yaml': case 'yml':
      return 'yaml';
    case 'json': case 'jsonc':
      return 'json';
    case 'toml':
      return 'toml';
    case 'ini': case 'conf': case 'cfg':
      return 'ini';
    case 'go':
      // Test code points at test databases on purpose.
      return base.endsWith('_test.go') ? undefined : 'go';
    default:
      return undefined;
  }
}
