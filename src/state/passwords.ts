/**
 * Passwords, only ever in VS Code's SecretStorage: never in settings, globalState, the log or a
 * file the user did not choose. Keyed by what identifies a login: account, region, DB and user
 * for a DB's own credentials; endpoint and user for an app user.
 */
import type * as vscode from 'vscode';

const PREFIX = 'rdsLink.password';

export function dbPasswordKey(login: { account?: string; region?: string; dbId?: string; host: string; port: number; user: string }): string {
  const where = login.dbId ? `${login.account ?? '?'}/${login.region ?? '?'}/${login.dbId}` : `${login.host}:${login.port}`;
  return `${PREFIX}/${where}/${login.user}`;
}

/** An app user's password, by endpoint and user (what the config quick-fix writes). */
export function endpointPasswordKey(t: { host: string; port: number; user: string }): string {
  return dbPasswordKey({ host: t.host, port: t.port, user: t.user });
}

export class PasswordStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(key: string): Thenable<string | undefined> {
    return this.secrets.get(key);
  }

  store(key: string, password: string): Thenable<void> {
    return this.secrets.store(key, password);
  }

  forget(key: string): Thenable<void> {
    return this.secrets.delete(key);
  }
}
