/**
 * Roll Back Deployment…: moves the deploy file's instances (or the selected ones) back to an
 * earlier release they all still keep, with the deploy file's strategy and health gate. Nothing
 * is built or uploaded: `current` is switched and the service restarted.
 *
 * Automation: `{ folder?: string, release?: string, confirmed?: boolean }` →
 * `{ status: 'deployed' | 'failed' | 'cancelled', release, instances }`.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../core/errors';
import { Commands } from '../../ids';
import { ArgumentError, argsOf } from '../args';
import type { Deps } from '../deps';
import { tagTouched } from './releaseTags';
import { confirmPlan, type DeployResult, folderOf, hostsFor, reportEvent, showSummary, STATUS } from './context';
import { readDeployFile } from './deployFileFlow';
import { resolveInstances, selectedInstances } from './instances';
import { prepareTraffic } from './loadBalancer';
import { execute, keptReleases, SessionPool, type Hosts } from './run';

const l = vscode.l10n.t;


/** The kept release to go back to: the one given, or the one the person picks (newest first). */
async function chooseRelease(deps: Deps, hosts: Hosts, pool: SessionPool, given: string | undefined): Promise<string> {
  const kept = await keptReleases(hosts, pool);
  if (given !== undefined) {
    if (!kept.common.includes(given)) throw new ArgumentError(l('{0}: the release {1} is not kept on every instance (kept on all: {2}).', Commands.rollbackDeployment, given, kept.common.join(', ') || l('none')));
    return given;
  }
  if (kept.common.length === 0) throw new Error(l('No earlier release is kept on every instance of {0}: there is nothing to roll back to.', hosts.file.service));
  const items = kept.common.map((release) => ({ label: release, description: [...kept.current].filter(([, r]) => r !== release).length ? l('running now: {0}', [...new Set(kept.current.values())].join(', ')) : '' }));
  const picked = await deps.ui.showQuickPick(items, { title: l('Roll {0} back to which release?', hosts.file.service), ignoreFocusOut: true });
  if (!picked) throw new CancelledError();
  return picked.label;
}

export async function rollbackDeployment(deps: Deps, ...args: unknown[]): Promise<DeployResult> {
  const a = argsOf(Commands.rollbackDeployment, args[0]);
  const given = a?.optionalString('release');
  const confirmed = a?.optionalBoolean('confirmed') ?? false;
  const folder = folderOf(deps, a?.optionalString('folder'));
  const found = await readDeployFile(deps, folder);
  if (!found) throw new Error(l('There is no deploy file in {0} ({1}): deploy once first.', folder, deps.core.deploy().DEPLOY_FILE_NAMES.join(', ')));
  const selected = selectedInstances(args[0], args[1]);
  const instances = selected.length ? selected : resolveInstances(deps, found.file);
  const plan = deps.core.deploy().planDeploy(found.file.strategy, instances.map((i) => i.id));
  const traffic = await prepareTraffic(deps, found.file, plan, instances, { confirmed });
  const hosts = { ...hostsFor(deps, found.file, instances), ...(traffic.hook ? { traffic: traffic.hook } : {}) };
  const pool = new SessionPool(hosts);
  try {
    const release = await chooseRelease(deps, hosts, pool, given);
    if (!confirmed) {
      await confirmPlan(deps, {
        title: l('Roll {0} back to {1} on {2} instance(s)?', found.file.service, release, hosts.instances.length),
        build: l('Nothing is built or uploaded: each instance switches to {0}, kept in its releases folder, and restarts.', release),
        plan,
        file: found.file,
        traffic: traffic.lines,
        action: l('Roll Back'),
      });
    }
    const run = await deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Rolling {0} back to {1}', found.file.service, release), cancellable: true }, (progress, token) =>
      execute(hosts, pool, plan, { folder, release, rollbackTo: true, shipped: hosts.core.NO_SHIPPED_FILES, env: {}, signal: token, onEvent: (e) => reportEvent(progress, e) }),
    );
    await tagTouched(deps, found.file.service, hosts.instances, run.outcome.instances);
    await showSummary(deps, run.outcome.result === 'succeeded' ? l('Rolled {0} back to {1}:', found.file.service, release) : l('The rollback of {0} to {1} did not finish:', found.file.service, release), run.outcome);
    return { status: STATUS[run.outcome.result], release, instances: run.outcome.instances };
  } finally {
    await pool.close();
  }
}
