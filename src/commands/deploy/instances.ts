/**
 * Which instances a deploy goes to: the EC2 view's selection (VS Code passes the clicked node,
 * then every selected node), else the deploy file's ids or tag, resolved against the instances
 * the store has loaded (their `tags`).
 */
import * as vscode from 'vscode';
import type { Ec2Instance } from '../../core/aws/types';
import type { DeployFile } from '../../core/deploy/index';
import { InstanceNode } from '../../tree/nodes';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/** The instances of a menu's (node, nodes[]) arguments; empty from the palette or automation. */
export function selectedInstances(node: unknown, nodes: unknown): Ec2Instance[] {
  const all = Array.isArray(nodes) && nodes.length ? nodes : [node];
  const out = all.filter((n): n is InstanceNode => n instanceof InstanceNode).map((n) => n.instance);
  return [...new Map(out.map((i) => [i.id, i])).values()];
}

/** The deploy file's instances, as loaded: ids must exist, a tag matches running instances of its region. */
export function resolveInstances(deps: Pick<Deps, 'store'>, file: DeployFile): Ec2Instance[] {
  const loaded = deps.store.allInstances();
  const out: Ec2Instance[] = [];
  for (const sel of file.instances) {
    const inRegion = loaded.filter((i) => i.region === sel.region);
    if ('ids' in sel) {
      const missing = sel.ids.filter((id) => !inRegion.some((i) => i.id === id));
      if (missing.length) throw new Error(l('The deploy file names instances that are not loaded in {0}: {1}. Check the region (RDS Link: Select Regions) and the ids.', sel.region, missing.join(', ')));
      out.push(...sel.ids.map((id) => inRegion.find((i) => i.id === id) as Ec2Instance));
    } else {
      const tagged = inRegion.filter((i) => i.tags[sel.tag.key] === sel.tag.value && i.state === 'running');
      if (tagged.length === 0) throw new Error(l('No running instance in {0} has the tag {1}={2}.', sel.region, sel.tag.key, sel.tag.value));
      out.push(...tagged);
    }
  }
  const unique = [...new Map(out.map((i) => [i.id, i])).values()];
  const notRunning = unique.filter((i) => i.state !== 'running');
  if (notRunning.length) throw new Error(l('These instances are not running: {0}.', notRunning.map((i) => `${i.id} (${i.state})`).join(', ')));
  return unique;
}
