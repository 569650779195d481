/**
 * One class per node type. Ids are hierarchical and stable (service/region/resource) so VS Code
 * keeps expansion and selection across refreshes; contextValue encodes kind and state so menus
 * follow it (see package.json "menus").
 */
import * as vscode from 'vscode';
import type { AwsProblem, BlueGreenDeployment, BlueGreenPhase, LinkedPair } from '../core/aws/index';
import { isMysqlFamily, type Ec2Instance, type InstanceState, type RdsDatabase } from '../core/aws/types';
import { Commands } from '../ids';
import type { Service } from '../state/resourceStore';

const l = vscode.l10n.t;

export class RegionNode extends vscode.TreeItem {
  constructor(readonly service: Service, readonly region: string, count: number | undefined) {
    super(region, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `${service}/${region}`;
    this.iconPath = new vscode.ThemeIcon('globe');
    this.contextValue = 'rdsLink.region';
    if (count !== undefined) this.description = String(count);
  }
}

const stateIcons: Record<InstanceState, [string, string | undefined]> = {
  running: ['vm-running', 'testing.iconPassed'],
  stopped: ['vm-outline', 'disabledForeground'],
  pending: ['loading~spin', undefined],
  stopping: ['loading~spin', undefined],
  'shutting-down': ['loading~spin', undefined],
  terminated: ['trash', 'disabledForeground'],
  unknown: ['question', undefined],
};

export class InstanceNode extends vscode.TreeItem {
  constructor(readonly instance: Ec2Instance, linkCount = 0) {
    super(instance.name ?? instance.id, linkCount ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    const i = instance;
    this.id = `ec2/${i.region}/${i.id}`;
    const [icon, color] = stateIcons[i.state];
    this.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    this.description = [i.state, i.type, i.publicIp ?? i.privateIp].filter(Boolean).join(' · ');
    this.contextValue = `rdsLink.instance.${i.state}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escapeMd(i.name ?? i.id)}**\n\n`);
    const rows: [string, string | undefined][] = [
      [l('Instance ID'), i.id],
      [l('State'), i.state],
      [l('Type'), i.type],
      [l('Private IP'), i.privateIp],
      [l('Public IP'), i.publicIp],
      [l('VPC'), i.vpcId],
      [l('Platform'), i.platform],
      [l('Region'), i.region],
    ];
    for (const [k, v] of rows) if (v) md.appendMarkdown(`${k}: ${escapeMd(v)}  \n`);
    this.tooltip = md;
  }
}

/** What the tree knows of a DB's part in Blue/Green deployments (from the listed deployments). */
export interface DbBlueGreen {
  /** Set while the DB is the green of a deployment: the blue DB's name and the deployment's. */
  readonly greenOf?: { readonly blue: string; readonly deployment: string };
  /** Why Create Blue/Green is not offered on it; undefined when it is. */
  readonly createRefusal?: string;
}

export class DatabaseNode extends vscode.TreeItem {
  constructor(readonly db: RdsDatabase, hasChildren: boolean, blueGreen: DbBlueGreen = {}) {
    super(db.id, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.id = `rds/${db.region}/${db.kind}/${db.id}`;
    const supported = isMysqlFamily(db.engine);
    const available = db.status === 'available';
    // The state is in the icon, so a narrow sidebar that cuts the description still shows it.
    const shape = db.kind === 'cluster' ? 'server-environment' : 'database';
    const [icon, color] = available
      ? [shape, supported ? 'testing.iconPassed' : 'disabledForeground']
      : dbStatusIcon(db.status, shape);
    this.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const version = db.engineVersion ? `${db.engine} ${db.engineVersion}` : db.engine;
    // First, so a narrow sidebar keeps it: a green copy looks like any other DB otherwise.
    const green = blueGreen.greenOf ? l('green of {0}', blueGreen.greenOf.blue) : undefined;
    this.description = [green, version, db.status].filter(Boolean).join(' · ');
    const mysqlTools = supported ? undefined : l('MySQL tools unavailable');
    this.accessibilityInformation = { label: [db.id, green, version, db.status, mysqlTools].filter(Boolean).join(', ') };
    // ".bg": Create Blue/Green is offered (its preflight would not refuse at once).
    const bg = supported && available && !blueGreen.createRefusal ? '.bg' : '';
    this.contextValue = `rdsLink.db.${db.kind}.${supported ? 'mysql' : 'unsupported'}.${available ? 'available' : 'busy'}${bg}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escapeMd(db.id)}** (${db.kind === 'cluster' ? l('Aurora cluster') : l('DB instance')})\n\n`);
    const rows: [string, string | undefined][] = [
      [l('Engine'), version],
      [l('Status'), db.status],
      [l('Endpoint'), db.endpoint ? `${db.endpoint.address}:${db.endpoint.port}` : undefined],
      [l('Reader endpoint'), db.readerEndpoint ? `${db.readerEndpoint.address}:${db.readerEndpoint.port}` : undefined],
      [l('VPC'), db.vpcId ?? l('unknown')],
      [l('Publicly accessible'), db.publiclyAccessible ? l('yes') : l('no')],
      [l('Security groups'), db.securityGroupIds.join(', ') || l('none')],
      [l('Master password'), db.masterUserSecretArn ? l('managed in Secrets Manager') : l('not managed by RDS')],
      [l('Class'), db.instanceClass],
      [l('Region'), db.region],
    ];
    for (const [k, v] of rows) if (v) md.appendMarkdown(`${k}: ${escapeMd(v)}  \n`);
    if (!supported) md.appendMarkdown(`\n${l('{0} can be linked to instances like any engine. Creating a schema, the MySQL shell and pointing the config at it work with MySQL, MariaDB and Aurora MySQL only.', escapeMd(db.engine))}`);
    if (blueGreen.greenOf) md.appendMarkdown(`\n\n${l('The green copy of {0} in Blue/Green deployment {1}. The app keeps using {0} until the switchover.', escapeMd(blueGreen.greenOf.blue), escapeMd(blueGreen.greenOf.deployment))}`);
    if (supported && blueGreen.createRefusal) md.appendMarkdown(`\n\n${l('Create Blue/Green is not offered: {0}', escapeMd(blueGreen.createRefusal))}`);
    this.tooltip = md;
  }
}

/** A DB status other than "available" as an icon: in progress, stopped, or in trouble. */
function dbStatusIcon(status: string, shape: string): [string, string | undefined] {
  if (status === 'stopped') return ['debug-stop', 'disabledForeground'];
  if (/^(failed|incompatible-|inaccessible-|storage-full|restore-error)/.test(status)) return ['error', 'errorForeground'];
  if (/(ing|^maintenance)$|^configuring-|^storage-optimization$/.test(status)) return ['loading~spin', undefined];
  return [shape, undefined];
}

export class MessageNode extends vscode.TreeItem {
  constructor(id: string, message: string, icon: string) {
    super(message, vscode.TreeItemCollapsibleState.None);
    this.id = id;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.contextValue = 'rdsLink.message';
  }
}

/** An ordinary tree item for a failed region: says why, retries on click. */
export class ErrorNode extends vscode.TreeItem {
  constructor(readonly service: Service, readonly region: string, readonly problem: AwsProblem) {
    super(problem.message, vscode.TreeItemCollapsibleState.None);
    this.id = `${service}/${region}/error`;
    this.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    this.description = region;
    this.tooltip = `${problem.message}\n\n${l('Click to retry.')}`;
    this.contextValue = problem.kind === 'ssoExpired' ? 'rdsLink.error.sso' : 'rdsLink.error';
    this.command = { command: Commands.retry, title: l('Retry'), arguments: [this] };
  }
}

/** "Linked instances" under a DB node. */
export class LinkedInstancesNode extends vscode.TreeItem {
  constructor(readonly db: RdsDatabase, readonly links: readonly LinkedPair[]) {
    super(l('Linked instances'), vscode.TreeItemCollapsibleState.Expanded);
    this.id = `rds/${db.region}/${db.kind}/${db.id}/links`;
    this.description = String(links.length);
    this.iconPath = new vscode.ThemeIcon('link');
    this.contextValue = 'rdsLink.linkedInstances';
  }
}

/**
 * One link (an ec2-rds-N / rds-ec2-N pair), shown under the DB (as its instance) or under the
 * instance (as its DB). Carries the unlink action.
 */
export class LinkNode extends vscode.TreeItem {
  constructor(readonly link: LinkedPair, under: 'db' | 'instance') {
    super(under === 'db' ? link.instance.name ?? link.instance.id : link.database.id, vscode.TreeItemCollapsibleState.None);
    this.id = `link/${link.key}/${under}`;
    this.iconPath = new vscode.ThemeIcon(under === 'db' ? 'vm' : 'database');
    this.description = `${link.ec2Group.name} → ${link.rdsGroup.name}`;
    this.contextValue = `rdsLink.link.${link.createdBy}`;
    this.tooltip = new vscode.MarkdownString(
      `${l('Instance {0} can reach {1} on port {2}.', link.instance.name ?? link.instance.id, link.dbTarget.id, link.port)}\n\n` +
        `${link.ec2Group.name} (${link.ec2Group.id}) → ${link.rdsGroup.name} (${link.rdsGroup.id})\n\n` +
        (link.createdBy === 'rds-link' ? l('Made by RDS Link.') : l('Made in the AWS console (or by hand).')),
    );
  }
}

const phaseIcons: Record<BlueGreenPhase, string> = {
  provisioning: 'loading~spin',
  available: 'arrow-swap',
  switchingOver: 'loading~spin',
  switchedOver: 'pass',
  failed: 'error',
  deleting: 'loading~spin',
  unknown: 'question',
};

/** A Blue/Green deployment under its DB; its tasks and switchover members are its children. */
export class BlueGreenNode extends vscode.TreeItem {
  /** `side`: this DB's side in it, in words ("blue", "old blue, replaced by the switchover", …). */
  constructor(readonly deployment: BlueGreenDeployment, phase: BlueGreenPhase, statusLabel: string, side: string | undefined, dbKey: string) {
    super(deployment.name, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${dbKey}/bg/${deployment.id}`;
    this.iconPath = new vscode.ThemeIcon(phaseIcons[phase], phase === 'failed' ? new vscode.ThemeColor('errorForeground') : undefined);
    this.description = [statusLabel, side].filter(Boolean).join(' · ');
    this.contextValue = `rdsLink.blueGreen.${phase}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escapeMd(deployment.name)}** (${escapeMd(deployment.id)})  \n`);
    md.appendMarkdown(`${l('Status')}: ${escapeMd(statusLabel)}  \n`);
    if (side) md.appendMarkdown(`${l('This database')}: ${escapeMd(side)}  \n`);
    if (deployment.statusDetails) md.appendMarkdown(`${escapeMd(deployment.statusDetails)}  \n`);
    md.appendMarkdown(`${l('Blue')}: ${escapeMd(deployment.sourceArn)}  \n`);
    if (deployment.targetArn) md.appendMarkdown(`${l('Green')}: ${escapeMd(deployment.targetArn)}  \n`);
    this.tooltip = md;
  }
}

export class DetailNode extends vscode.TreeItem {
  constructor(id: string, label: string, description: string, icon: string) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.id = id;
    this.description = description;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.contextValue = 'rdsLink.detail';
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
