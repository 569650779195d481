/**
 * The files a deploy ships beside the binary (the deploy file's `files`: config files, and folders
 * such as templates/ and static/), collected once per deploy, before anything is built or touched.
 *
 * Every entry must exist and stay inside the project: the entry itself, and inside a folder every
 * symlink, wherever it points (a link inside the project is followed, its target's content
 * shipped under the link's name). Folders are walked whole and keep their project-relative layout
 * in the release (`templates/partials/nav.html` → releases/<release>/templates/partials/nav.html).
 * The contents are read here, once: every instance then receives the same bytes over its one
 * SFTP channel, and nothing is read again per host.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { t } from '../l10n';

export interface ShippedFile {
  /** Path in the release, with `/` (the project-relative path). */
  readonly name: string;
  readonly data: Buffer;
  /** 0o755 when the local file is executable by anyone, else 0o644. */
  readonly mode: number;
}

export interface ShippedFiles {
  /** Every folder the files need in the release (parents first), empty folders included. */
  readonly dirs: readonly string[];
  readonly files: readonly ShippedFile[];
  readonly bytes: number;
}

export const NO_SHIPPED_FILES: ShippedFiles = { dirs: [], files: [], bytes: 0 };

/** More than this is not "config, templates, static" any more, and would sit in memory once per deploy. */
export const MAX_SHIPPED_BYTES = 256 * 1024 * 1024;

/** The entries that cannot be shipped, each with its reason; nothing was built or touched. */
export class ShippedFilesError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(t('These files of the deploy file cannot be shipped, nothing was built or changed:\n{0}', problems.join('\n')));
    this.name = 'ShippedFilesError';
  }
}

interface Walk {
  readonly root: string;
  readonly project: string;
  readonly reserved: ReadonlySet<string>;
  readonly files: Map<string, { real: string; mode: number }>;
  readonly dirs: Set<string>;
  readonly problems: string[];
}

const isInside = (root: string, real: string): boolean => real === root || real.startsWith(root + path.sep);

async function realOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await fs.promises.realpath(p);
  } catch {
    return undefined;
  }
}

/** One file, folder or symlink at `local`, shipped as `name`; `chain` holds the real folders above it (a loop check). */
async function visit(w: Walk, local: string, name: string, chain: readonly string[]): Promise<void> {
  const real = await realOrUndefined(local);
  if (real === undefined) {
    const isLink = await fs.promises.lstat(local).then((s) => s.isSymbolicLink(), () => false);
    w.problems.push(isLink ? t('"{0}" is a symlink to nothing.', name) : t('"{0}" does not exist in {1}.', name, w.project));
    return;
  }
  if (!isInside(w.root, real)) {
    w.problems.push(t('"{0}" points outside the project (to {1}): only files inside the project are shipped.', name, real));
    return;
  }
  if (w.reserved.has(name.split('/')[0])) {
    w.problems.push(t('"{0}" would replace the binary of the release, which has that name.', name));
    return;
  }
  const stat = await fs.promises.stat(real);
  if (stat.isDirectory()) {
    if (chain.includes(real)) {
      w.problems.push(t('"{0}" is a symlink to a folder that holds it (a loop).', name));
      return;
    }
    w.dirs.add(name);
    const children = (await fs.promises.readdir(real)).sort();
    for (const child of children) await visit(w, path.join(real, child), `${name}/${child}`, [...chain, real]);
  } else if (stat.isFile()) {
    w.files.set(name, { real, mode: stat.mode & 0o111 ? 0o755 : 0o644 });
  } else {
    w.problems.push(t('"{0}" is neither a file nor a folder.', name));
  }
}

/** The parents of a release path ('a/b/c' → 'a', 'a/b'). */
const parentsOf = (name: string): string[] => name.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'));

/**
 * Reads the deploy file's `files` under `project` (the deploy file's folder). `reserved` are the
 * release's own names (the binary). Throws ShippedFilesError naming every entry that cannot go.
 */
export async function collectShippedFiles(project: string, entries: readonly string[], reserved: readonly string[] = []): Promise<ShippedFiles> {
  if (entries.length === 0) return NO_SHIPPED_FILES;
  const root = await realOrUndefined(project);
  if (root === undefined) throw new ShippedFilesError([t('The project folder {0} does not exist.', project)]);
  const w: Walk = { root, project, reserved: new Set(reserved), files: new Map(), dirs: new Set(), problems: [] };
  for (const entry of entries) {
    const name = path.posix.normalize(entry.replace(/\\/g, '/')).replace(/\/+$/, '');
    if (!name || name === '.' || path.posix.isAbsolute(name) || name.split('/').includes('..')) {
      w.problems.push(t('"{0}" must be a file or folder inside the project (a relative path without ".."), not the project itself.', entry));
      continue;
    }
    await visit(w, path.join(project, ...name.split('/')), name, [root]);
  }
  if (w.problems.length) throw new ShippedFilesError(w.problems);
  const files: ShippedFile[] = [];
  let bytes = 0;
  for (const [name, f] of [...w.files].sort(([a], [b]) => a.localeCompare(b))) {
    const data = await fs.promises.readFile(f.real);
    bytes += data.length;
    if (bytes > MAX_SHIPPED_BYTES) throw new ShippedFilesError([t('The shipped files are larger than {0} MB: ship the big assets another way (S3, a CDN).', MAX_SHIPPED_BYTES / 1024 / 1024)]);
    files.push({ name, data, mode: f.mode });
  }
  const dirs = new Set<string>();
  for (const name of [...w.dirs, ...files.map((f) => f.name)]) for (const d of [...parentsOf(name), ...(w.dirs.has(name) ? [name] : [])]) dirs.add(d);
  return { dirs: [...dirs].sort(), files, bytes };
}
