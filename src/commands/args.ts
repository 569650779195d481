/**
 * The automation arguments of commands, read in one place. A command run from a menu gets a
 * tree node, from the palette nothing, and from another extension or a test a plain object:
 * only a plain object is read as arguments, and a wrong one fails with a message that names the
 * command, the field and what it should be.
 */
import * as vscode from 'vscode';

const l = vscode.l10n.t;

/** A DB named by automation: `{ region, database: { kind, id } }` in the arguments. */
export interface DbRef {
  readonly region: string;
  readonly kind: 'instance' | 'cluster';
  readonly id: string;
}

/** Arguments that are present but wrong: a caller's mistake, said plainly. */
export class ArgumentError extends Error {
  override readonly name = 'ArgumentError';
}

/** A plain object (an automation caller's arguments), not a tree node or a URI. */
function isPlainObject(x: unknown): x is Readonly<Record<string, unknown>> {
  if (!x || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Reads the fields of one command's arguments; each getter throws an ArgumentError naming the field. */
export class Args {
  constructor(readonly command: string, private readonly raw: Readonly<Record<string, unknown>>) {}

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  private fail(key: string, expected: string, got: unknown = this.raw[key]): never {
    throw new ArgumentError(l('{0}: the argument "{1}" must be {2} (it is {3}).', this.command, key, expected, got === undefined ? l('missing') : JSON.stringify(got)));
  }

  string(key: string): string {
    const v = this.raw[key];
    if (typeof v !== 'string' || v === '') this.fail(key, l('a non-empty string'));
    return v;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  number(key: string): number {
    const v = this.raw[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, l('a number'));
    return v;
  }

  optionalNumber(key: string): number | undefined {
    return this.has(key) ? this.number(key) : undefined;
  }

  optionalBoolean(key: string): boolean | undefined {
    if (!this.has(key)) return undefined;
    const v = this.raw[key];
    if (typeof v !== 'boolean') this.fail(key, l('true or false'));
    return v;
  }

  /** A list of strings (possibly empty). */
  optionalStrings(key: string): readonly string[] | undefined {
    if (!this.has(key)) return undefined;
    const v = this.raw[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) this.fail(key, l('a list of strings'));
    return v as string[];
  }

  /** `{ region, [key]: { kind, id } }` as one DbRef. */
  dbRef(key = 'database'): DbRef {
    const region = this.string('region');
    const inner = this.raw[key];
    if (!isPlainObject(inner)) this.fail(key, l('an object {0}', '{ kind, id }'));
    const kind = inner.kind;
    const id = inner.id;
    if (kind !== 'instance' && kind !== 'cluster') this.fail(`${key}.kind`, '"instance" | "cluster"', kind);
    if (typeof id !== 'string' || id === '') this.fail(`${key}.id`, l('a non-empty string'), id);
    return { region, kind, id };
  }

  /** The value of a field as given, for a command that reads a nested shape itself. */
  value(key: string): unknown {
    return this.raw[key];
  }
}

/** The arguments, when the command was given a plain object; undefined for a tree node, a URI or nothing (then the command asks). */
export function argsOf(command: string, x: unknown): Args | undefined {
  return isPlainObject(x) ? new Args(command, x) : undefined;
}
