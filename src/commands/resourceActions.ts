/** Actions on instances and databases: copy, open in the console, start and stop. */
import * as vscode from 'vscode';
import { ec2InstanceConsoleUrl, rdsConsoleUrl } from '../core/aws/consoleUrls';
import type { Ec2Instance, RdsDatabase } from '../core/aws/types';
import { Commands } from '../ids';
import { loadAws } from '../lazy';
import { DatabaseNode, InstanceNode } from '../tree/nodes';
import type { ResourceStore } from '../state/resourceStore';
import { confirmModal } from '../ui/confirm';
import { pickDatabase, pickInstance } from '../ui/pickers';
import { registerCommand, type CommandContext } from './registerCommand';
import { vscodeUserInput } from '../ui/userInput';

const l = vscode.l10n.t;

async function instanceOf(store: ResourceStore, node: unknown, predicate?: (i: Ec2Instance) => boolean): Promise<Ec2Instance> {
  return node instanceof InstanceNode ? node.instance : pickInstance(vscodeUserInput, store, predicate);
}

async function databaseOf(store: ResourceStore, node: unknown): Promise<RdsDatabase> {
  return node instanceof DatabaseNode ? node.db : pickDatabase(vscodeUserInput, store);
}

async function copy(text: string, what: string): Promise<string> {
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(l('Copied {0}: {1}', what, text), 3000);
  return text;
}

export function registerResourceActions(ctx: CommandContext, store: ResourceStore): void {
  registerCommand(ctx, Commands.copyInstanceId, async (node?: InstanceNode) => {
    const i = await instanceOf(store, node);
    return copy(i.id, l('instance ID'));
  });

  registerCommand(ctx, Commands.copyInstanceIp, async (node?: InstanceNode) => {
    const i = await instanceOf(store, node, (x) => !!(x.publicIp ?? x.privateIp));
    const ip = i.publicIp ?? i.privateIp;
    if (!ip) throw new Error(l('Instance {0} has no IP address (state: {1}).', i.id, i.state));
    return copy(ip, i.publicIp ? l('public IP') : l('private IP'));
  });

  registerCommand(ctx, Commands.openInstanceInConsole, async (node?: InstanceNode) => {
    const i = await instanceOf(store, node);
    await vscode.env.openExternal(vscode.Uri.parse(ec2InstanceConsoleUrl(i.region, i.id)));
  });

  registerCommand(ctx, Commands.startInstance, async (node?: InstanceNode) => {
    const i = await instanceOf(store, node, (x) => x.state === 'stopped');
    if (i.state !== 'stopped') throw new Error(l('Instance {0} is {1}; only a stopped instance can be started.', i.name ?? i.id, i.state));
    const aws = loadAws();
    await aws.startInstance(store.getSession().ec2(i.region), i.id);
    ctx.log.info(`Started ${i.id} in ${i.region}`);
    await store.reloadRegion(i.region, ['ec2']);
  });

  registerCommand(ctx, Commands.stopInstance, async (node?: InstanceNode) => {
    const i = await instanceOf(store, node, (x) => x.state === 'running');
    if (i.state !== 'running') throw new Error(l('Instance {0} is {1}; only a running instance can be stopped.', i.name ?? i.id, i.state));
    await confirmModal(vscodeUserInput, 
      l('Stop instance {0} ({1})?', i.name ?? i.id, i.id),
      l('Programs on it stop, and its public IP changes when it starts again unless it has an Elastic IP.'),
      l('Stop'),
      { destructive: true },
    );
    const aws = loadAws();
    await aws.stopInstance(store.getSession().ec2(i.region), i.id);
    ctx.log.info(`Stopped ${i.id} in ${i.region}`);
    await store.reloadRegion(i.region, ['ec2']);
  });

  registerCommand(ctx, Commands.copyDbEndpoint, async (node?: DatabaseNode) => {
    const d = await databaseOf(store, node);
    if (!d.endpoint) throw new Error(l('{0} has no endpoint yet (status: {1}).', d.id, d.status));
    return copy(`${d.endpoint.address}:${d.endpoint.port}`, l('endpoint'));
  });

  registerCommand(ctx, Commands.openDbInConsole, async (node?: DatabaseNode) => {
    const d = await databaseOf(store, node);
    await vscode.env.openExternal(vscode.Uri.parse(rdsConsoleUrl(d)));
  });
}
