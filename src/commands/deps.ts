/**
 * What every command handler gets: one object, built once in extension.ts. A handler reaches
 * the person only through `ui`, the data only through `store`/`targets`/`passwords`, and the
 * heavy bundles only through `core`, so a unit test can hand it fakes (test/unit/support).
 */
import type * as vscode from 'vscode';
import type * as AwsModule from '../core/aws/index';
import type * as DbModule from '../core/db/index';
import type * as DeployModule from '../core/deploy/index';
import type * as GoConfigModule from '../core/goconfig/index';
import type { BuildProblems } from '../codeActions/buildProblems';
import type { WorkspaceKeyMap } from '../codeActions/goKeyMap';
import type { DiagnosisReports } from '../documents/diagnosisReport';
import type { SqlPreviews } from '../documents/sqlPreview';
import type { Connections } from '../services/connections';
import type { InstanceSessions } from '../services/instanceSessions';
import type { HostKeyMemento } from '../state/hostKeys';
import type { LeftWork } from '../state/leftWork';
import type { PasswordStore } from '../state/passwords';
import type { ResourceStore } from '../state/resourceStore';
import type { SettingsAccess } from '../state/settings';
import type { TargetStore } from '../state/targets';
import type { WorkspaceAccess, WorkspaceFiles } from '../services/workspaceFiles';
import type { ViewProvider } from '../tree/viewProvider';
import type { UserInput } from '../ui/userInput';

export interface Deps {
  readonly log: vscode.LogOutputChannel;
  readonly ui: UserInput;
  readonly settings: SettingsAccess;
  readonly store: ResourceStore;
  readonly targets: TargetStore;
  readonly passwords: PasswordStore;
  /** SSH host keys remembered per instance (globalState). */
  readonly hostKeys: HostKeyMemento;
  /** globalState: what is remembered across workspaces (host keys, the credential source that worked per DB). */
  readonly globalState: vscode.Memento;
  /** Creations whose wait was left, to pick up again (in globalState). */
  readonly leftWork: LeftWork;
  readonly connections: Connections;
  readonly keyMaps: WorkspaceKeyMap;
  readonly views: { readonly ec2: ViewProvider<unknown>; readonly rds: ViewProvider<unknown> };
  readonly documents: { readonly sql: SqlPreviews; readonly diagnosis: DiagnosisReports };
  /** The extension's own folder (shipped files) and its storage folder. */
  readonly paths: { readonly extension: string; readonly globalStorage: string };
  /** Things that live as long as the extension (a listener a command starts). */
  readonly subscriptions: { push(...d: vscode.Disposable[]): unknown };
  readonly workspace: WorkspaceAccess;
  /** The heavy bundles, loaded on first use (src/lazy.ts); tests pass the core modules. */
  readonly core: { aws(): typeof AwsModule; db(): typeof DbModule; goconfig(): typeof GoConfigModule; deploy(): typeof DeployModule };
  /** Reading the open workspace's files (the diagnosis reads the app's config from them). */
  readonly files: WorkspaceFiles;
  /** SSH sessions to EC2 instances (deploys), the way the DB tunnel reaches them. */
  readonly instanceSessions: InstanceSessions;
  /** The Problems view's entries of one source (a failed Go build's compiler errors). */
  readonly problems: BuildProblems;
}

/** A command's code: the deps, then the arguments VS Code (a menu, the palette, an automation caller) passes. */
export type Handler = (deps: Deps, ...args: unknown[]) => unknown;
