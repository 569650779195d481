/**
 * One class per node type. Each node knows its parent and builds its children, so the providers
 * only delegate (and `TreeView.reveal` can walk up). Ids are hierarchical and stable
 * (service/region/resource) so VS Code keeps expansion and selection across refreshes;
 * contextValue encodes kind and state so menus follow it (the values are in ids.ts).
 */
import * as vscode from 'vscode';
import type { AwsProblem, BlueGreenDeployment, BlueGreenPhase, LinkedPair } from '../core/aws/index';
import { isCreatedHere } from '../core/aws/link/consoleRules';
import { releaseOf, type InstanceRelease } from '../core/aws/releaseTags';
import { isMysqlFamily, type Ec2Instance, type ForwardShare, type InstanceState, type RdsDatabase, type TargetHealth } from '../core/aws/types';
import { Commands, ContextValues } from '../ids';
import type { Service } from '../state/resourceStore';

const l = vscode.l10n.t;
const { None, Collapsed, Expanded } = vscode.TreeItemCollapsibleState;

/** A node of either view. Leaves have no children; `parent` is undefined at the top of a view. */
export abstract class TreeNode extends vscode.TreeItem {
  constructor(label: string, collapsibleState: vscode.TreeItemCollapsibleState, readonly parent: TreeNode | undefined) {
    super(label, collapsibleState);
  }

  getChildren(): TreeNode[] {
    return [];
  }

  getParent(): TreeNode | undefined {
    return this.parent;
  }
}

/** What a region node asks its view for: the nodes of that region, under it. */
export interface RegionSource {
  regionChildren(region: string, parent: RegionNode): TreeNode[];
}

/**
 * A region, when the view shows more than one. The view keeps one object per region, so a change
 * in one region re-renders this node (VS Code matches the object it was given) and not the view.
 */
export class RegionNode extends TreeNode {
  readonly #source: RegionSource;

  constructor(readonly service: Service, readonly region: string, source: RegionSource) {
    super(region, Expanded, undefined);
    this.#source = source;
    this.id = `${service}/${region}`;
    this.iconPath = new vscode.ThemeIcon('globe');
    this.contextValue = ContextValues.region;
  }

  /** The number shown beside the region: of its shown items, or none while it loads or failed. */
  setCount(count: number | undefined): void {
    this.description = count === undefined ? undefined : String(count);
  }

  override getChildren(): TreeNode[] {
    return this.#source.regionChildren(this.region, this);
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

/** An instance with what its release tags say, read once per rendering (the view groups by it, the nodes show it). */
export interface ReleasedInstance {
  readonly instance: Ec2Instance;
  readonly release: InstanceRelease;
}

export const withRelease = (instance: Ec2Instance): ReleasedInstance => ({ instance, release: releaseOf(instance) });

/**
 * An instance; its links (as the DBs it reaches) and its target groups (with its health in each)
 * are its children. Its release comes from its tags (read by the caller when it has them already).
 */
export class InstanceNode extends TreeNode {
  constructor(readonly instance: Ec2Instance, readonly links: readonly LinkedPair[] = [], parent?: TreeNode, release: InstanceRelease = releaseOf(instance), readonly targets: readonly TargetHealth[] = [], waiting = false) {
    super(instance.name ?? instance.id, links.length || targets.length ? Collapsed : None, parent);
    const i = instance;
    this.id = `ec2/${i.region}/${i.id}`;
    const [icon, color] = stateIcons[i.state];
    this.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    // The release second: a narrow sidebar cuts the end of the description first.
    const waitLeft = waiting ? l('status checks not waited for') : undefined;
    this.description = [i.state, waitLeft, release.release, i.type, i.publicIp ?? i.privateIp].filter(Boolean).join(' · ');
    this.contextValue = ContextValues.instanceOf(i.state, isCreatedHere(i.tags), waiting);
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
      [l('Status checks'), waitLeft && l('not waited for: Wait Again for Status Checks')],
      [l('Service'), release.service],
      [l('Release'), release.release],
      [l('Released'), release.releasedAt && formatUtc(release.releasedAt)],
      ...targets.map((x): [string, string] => [l('Target group {0}', x.targetGroupName), x.state]),
    ];
    appendRows(md, rows);
    this.tooltip = md;
  }

  override getChildren(): TreeNode[] {
    return [...this.links.map((link) => new LinkNode(link, 'instance', this)), ...this.targets.map((x) => new TargetNode(x, this))];
  }
}

/** The links of an instance, as its region's listing has them. */
export type InstanceLinks = (instance: Ec2Instance) => readonly LinkedPair[];
/** The target-group registrations of an instance, as its region's load has them. */
export type InstanceTargets = (instance: Ec2Instance) => readonly TargetHealth[];

const targetIcons: Record<string, [string, string | undefined]> = {
  healthy: ['pass', 'testing.iconPassed'],
  unhealthy: ['error', 'testing.iconFailed'],
  'unhealthy.draining': ['error', 'testing.iconFailed'],
  initial: ['loading~spin', undefined],
  draining: ['loading~spin', undefined],
  unused: ['circle-outline', 'disabledForeground'],
  unavailable: ['question', undefined],
};

/** What a weighted listener does with a group: live (all of it), idle (none) or a canary's share. */
export function trafficLabel(share: ForwardShare): string {
  if (share.weight === 0) return l('idle (weight 0)');
  if (share.weight === share.totalWeight) return l('live (weight {0})', share.weight);
  return l('{0}% of the traffic (weight {1})', Math.round((100 * share.weight) / share.totalWeight), share.weight);
}

/**
 * One target group an instance is registered in, and the instance's health there
 * (DescribeTargetHealth); when a listener splits its traffic between groups, the group's part
 * (live or idle for Blue/Green, the canary's share), from the listener's weights.
 */
export class TargetNode extends TreeNode {
  constructor(readonly target: TargetHealth, parent?: TreeNode) {
    super(target.targetGroupName, None, parent);
    this.id = `${parent?.id ?? target.instanceId}/target/${target.targetGroupArn}/${target.port ?? ''}`;
    const [icon, color] = targetIcons[target.state] ?? ['question', undefined];
    this.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const shares = target.shares ?? [];
    this.description = [target.state, target.port !== undefined ? l('port {0}', target.port) : undefined, shares[0] && trafficLabel(shares[0])].filter(Boolean).join(' · ');
    this.contextValue = ContextValues.targetGroup;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escapeMd(target.targetGroupName)}** (${l('target group')})\n\n`);
    appendRows(md, [
      [l('Health'), target.state],
      [l('Reason'), target.reason],
      [l('Detail'), target.description],
      ...shares.map((x): [string, string] => [x.listenerPort !== undefined ? l('Listener on port {0}', x.listenerPort) : l('Listener'), trafficLabel(x)]),
      ['ARN', target.targetGroupArn],
    ]);
    this.tooltip = md;
  }
}

/**
 * The instances that run one service (their `rds-link:service` tag, left by a deploy), under the
 * region. The description says which release they run, or how many releases when they differ
 * (a rollout that stopped half-way, a rollback).
 */
export class ServiceNode extends TreeNode {
  readonly #linksOf: InstanceLinks;

  readonly #targetsOf: InstanceTargets;

  constructor(readonly region: string, readonly serviceName: string, readonly members: readonly ReleasedInstance[], linksOf: InstanceLinks, parent?: TreeNode, targetsOf: InstanceTargets = () => []) {
    super(serviceName, Expanded, parent);
    this.#linksOf = linksOf;
    this.#targetsOf = targetsOf;
    this.id = `ec2/${region}/service/${serviceName}`;
    this.iconPath = new vscode.ThemeIcon('server-process');
    this.contextValue = ContextValues.service;
    const releases = countReleases(members.map((m) => m.release));
    const [only] = releases.keys();
    const releaseText = releases.size === 1 ? only ?? l('no release') : l('{0} releases', releases.size);
    this.description = `${members.length} · ${releaseText}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escapeMd(serviceName)}** (${l('service')})\n\n`);
    md.appendMarkdown(`${l('Instances per release:')}  \n`);
    appendRows(md, [...releases].map(([release, n]) => [escapeMd(release ?? l('no release')), String(n)] as const));
    this.tooltip = md;
  }

  override getChildren(): TreeNode[] {
    return this.members.map((m) => new InstanceNode(m.instance, this.#linksOf(m.instance), this, m.release, this.#targetsOf(m.instance)));
  }
}

/** How many instances run each release, the most recently released first; undefined for no release tag. */
function countReleases(seen: readonly InstanceRelease[]): Map<string | undefined, number> {
  const byRelease = new Map<string | undefined, { count: number; latest: number }>();
  for (const r of seen) {
    const e = byRelease.get(r.release) ?? { count: 0, latest: 0 };
    byRelease.set(r.release, { count: e.count + 1, latest: Math.max(e.latest, r.releasedAt?.getTime() ?? 0) });
  }
  return new Map([...byRelease].sort(([, a], [, b]) => b.latest - a.latest).map(([release, e]) => [release, e.count]));
}

/** "2026-12-02 02:40 UTC": the same for every reader of the tag, whatever their time zone. */
function formatUtc(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** What the tree knows of a DB's part in Blue/Green deployments (from the listed deployments). */
export interface DbBlueGreen {
  /** Set while the DB is the green of a deployment: the blue DB's name and the deployment's. */
  readonly greenOf?: { readonly blue: string; readonly deployment: string };
  /** Why Create Blue/Green is not offered on it; undefined when it is. */
  readonly createRefusal?: string;
}

/** A Blue/Green deployment as seen from one of its DBs. */
export interface DbDeployment {
  readonly deployment: BlueGreenDeployment;
  readonly phase: BlueGreenPhase;
  readonly statusLabel: string;
  /** This DB's side in it, in words ("blue", "old blue, replaced by the switchover", …). */
  readonly side?: string;
}

/** One line under a Blue/Green deployment: a task or a switchover member. */
export interface DeploymentDetail {
  /** Unique among the deployment's details; part of the node's id. */
  readonly key: string;
  readonly label: string;
  readonly description: string;
  readonly icon: string;
}

/** What the nodes under a DB are made of: its region's DBs, links and deployments (the RDS view answers). */
export interface DbFamily {
  /** A cluster's member instances; none for an instance. */
  membersOf(db: RdsDatabase): readonly RdsDatabase[];
  linksOf(db: RdsDatabase): readonly LinkedPair[];
  deploymentsOf(db: RdsDatabase): readonly DbDeployment[];
  blueGreenOf(db: RdsDatabase): DbBlueGreen;
  detailsOf(deployment: BlueGreenDeployment): readonly DeploymentDetail[];
}

/** What is under a DB built on its own (a command's argument): nothing. */
const noFamily: DbFamily = { membersOf: () => [], linksOf: () => [], deploymentsOf: () => [], blueGreenOf: () => ({}), detailsOf: () => [] };

/** A DB instance or cluster: a cluster's members, then its deployments and linked instances under it. */
export class DatabaseNode extends TreeNode {
  readonly #family: DbFamily;

  /** `family`: what the DB's region holds; `false` for a DB with nothing under it. */
  constructor(readonly db: RdsDatabase, family: DbFamily | false = false, parent?: TreeNode) {
    family ||= noFamily;
    const hasChildren = family.membersOf(db).length + family.linksOf(db).length + family.deploymentsOf(db).length > 0;
    super(db.id, hasChildren ? Collapsed : None, parent);
    this.#family = family;
    this.id = `rds/${db.region}/${db.kind}/${db.id}`;
    const blueGreen = family.blueGreenOf(db);
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
    this.contextValue = ContextValues.database(db.kind, supported, available, !blueGreen.createRefusal, db.kind === 'instance' && isCreatedHere(db.tags));
    this.tooltip = dbTooltip(db, version, supported, blueGreen);
  }

  override getChildren(): TreeNode[] {
    const family = this.#family;
    const links = family.linksOf(this.db);
    return [
      ...family.membersOf(this.db).map((d) => new DatabaseNode(d, family, this)),
      ...family.deploymentsOf(this.db).map((d) => new BlueGreenNode(d, family, this)),
      ...(links.length ? [new LinkedInstancesNode(this.db, links, this)] : []),
    ];
  }
}

function dbTooltip(db: RdsDatabase, version: string, supported: boolean, blueGreen: DbBlueGreen): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMd(db.id)}** (${db.kind === 'cluster' ? l('Aurora cluster') : l('DB instance')})\n\n`);
  appendRows(md, [
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
  ]);
  if (!supported) md.appendMarkdown(`\n${l('{0} can be linked to instances like any engine. Creating a schema, the MySQL shell and pointing the config at it work with MySQL, MariaDB and Aurora MySQL only.', escapeMd(db.engine))}`);
  if (blueGreen.greenOf) md.appendMarkdown(`\n\n${l('The green copy of {0} in Blue/Green deployment {1}. The app keeps using {0} until the switchover.', escapeMd(blueGreen.greenOf.blue), escapeMd(blueGreen.greenOf.deployment))}`);
  if (supported && blueGreen.createRefusal) md.appendMarkdown(`\n\n${l('Create Blue/Green is not offered: {0}', escapeMd(blueGreen.createRefusal))}`);
  return md;
}

/** A DB status other than "available" as an icon: in progress, stopped, or in trouble. */
function dbStatusIcon(status: string, shape: string): [string, string | undefined] {
  if (status === 'stopped') return ['debug-stop', 'disabledForeground'];
  if (/^(failed|incompatible-|inaccessible-|storage-full|restore-error)/.test(status)) return ['error', 'errorForeground'];
  if (/(ing|^maintenance)$|^configuring-|^storage-optimization$/.test(status)) return ['loading~spin', undefined];
  return [shape, undefined];
}

/** A region's loading, empty or no-match state, as an ordinary item. */
export class MessageNode extends TreeNode {
  constructor(id: string, message: string, icon: string, parent?: TreeNode) {
    super(message, None, parent);
    this.id = id;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.contextValue = ContextValues.message;
  }
}

/** An ordinary tree item for a failed region: says why, retries on click. */
export class ErrorNode extends TreeNode {
  constructor(readonly service: Service, readonly region: string, readonly problem: AwsProblem, parent?: TreeNode) {
    super(problem.message, None, parent);
    this.id = `${service}/${region}/error`;
    this.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    this.description = region;
    this.tooltip = `${problem.message}\n\n${l('Click to retry.')}`;
    this.contextValue = problem.kind === 'ssoExpired' ? ContextValues.ssoError : ContextValues.error;
    this.command = { command: Commands.retry, title: l('Retry'), arguments: [this] };
  }
}

/** "Linked instances" under a DB node. */
export class LinkedInstancesNode extends TreeNode {
  constructor(readonly db: RdsDatabase, readonly links: readonly LinkedPair[], parent?: TreeNode) {
    super(l('Linked instances'), Expanded, parent);
    this.id = `rds/${db.region}/${db.kind}/${db.id}/links`;
    this.description = String(links.length);
    this.iconPath = new vscode.ThemeIcon('link');
    this.contextValue = ContextValues.linkedInstances;
  }

  override getChildren(): TreeNode[] {
    return this.links.map((link) => new LinkNode(link, 'db', this));
  }
}

/**
 * One link (an ec2-rds-N / rds-ec2-N pair), shown under the DB (as its instance) or under the
 * instance (as its DB). Carries the unlink action.
 */
export class LinkNode extends TreeNode {
  constructor(readonly link: LinkedPair, under: 'db' | 'instance', parent?: TreeNode) {
    super(under === 'db' ? link.instance.name ?? link.instance.id : link.database.id, None, parent);
    this.id = `link/${link.key}/${under}`;
    this.iconPath = new vscode.ThemeIcon(under === 'db' ? 'vm' : 'database');
    this.description = `${link.ec2Group.name} → ${link.rdsGroup.name}`;
    this.contextValue = ContextValues.link[link.createdBy];
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
export class BlueGreenNode extends TreeNode {
  readonly deployment: BlueGreenDeployment;
  readonly #family: DbFamily;

  constructor(seen: DbDeployment, family: DbFamily, parent: DatabaseNode) {
    const { deployment, phase, statusLabel, side } = seen;
    super(deployment.name, Collapsed, parent);
    this.deployment = deployment;
    this.#family = family;
    this.id = `${parent.id ?? parent.db.id}/bg/${deployment.id}`;
    this.iconPath = new vscode.ThemeIcon(phaseIcons[phase], phase === 'failed' ? new vscode.ThemeColor('errorForeground') : undefined);
    this.description = [statusLabel, side].filter(Boolean).join(' · ');
    this.contextValue = ContextValues.blueGreen[phase];
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escapeMd(deployment.name)}** (${escapeMd(deployment.id)})  \n`);
    appendRows(md, [
      [l('Status'), statusLabel],
      [l('This database'), side],
    ]);
    if (deployment.statusDetails) md.appendMarkdown(`${escapeMd(deployment.statusDetails)}  \n`);
    appendRows(md, [
      [l('Blue'), deployment.sourceArn],
      [l('Green'), deployment.targetArn],
    ]);
    this.tooltip = md;
  }

  override getChildren(): TreeNode[] {
    return this.#family.detailsOf(this.deployment).map((d) => new DetailNode(`${this.id}/${d.key}`, d.label, d.description, d.icon, this));
  }
}

/** A task or switchover member of a Blue/Green deployment. */
export class DetailNode extends TreeNode {
  constructor(id: string, label: string, description: string, icon: string, parent?: TreeNode) {
    super(label, None, parent);
    this.id = id;
    this.description = description;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.contextValue = ContextValues.detail;
  }
}

/** "Key: value" lines of a tooltip; a row without a value is left out. */
function appendRows(md: vscode.MarkdownString, rows: readonly (readonly [string, string | undefined])[]): void {
  for (const [k, v] of rows) if (v) md.appendMarkdown(`${k}: ${escapeMd(v)}  \n`);
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
