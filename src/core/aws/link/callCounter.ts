/** Counts the calls made through a LinkApi: the benchmarks report them, the applier returns them. */
import type { LinkApi } from './types';

export interface CallCounts {
  total: number;
  /** Calls that change AWS (dry runs not included). */
  mutations: number;
  dryRuns: number;
  readonly byMethod: Record<string, number>;
}

const reads = new Set<keyof LinkApi>(['describeInstance', 'describeDatabase', 'describeDatabases', 'describeSecurityGroups', 'describeInterfaces']);
/** Index of the dryRun argument of each EC2 mutation. */
const dryRunArg: Partial<Record<keyof LinkApi, number>> = {
  createSecurityGroup: 1,
  deleteSecurityGroup: 1,
  authorizeRules: 3,
  revokeRules: 3,
  setInterfaceGroups: 2,
};

/** Every call of LinkApi, so a new one cannot be forgotten here (the compiler checks the keys). */
const methodNames: Record<Exclude<keyof LinkApi, 'withSignal'>, true> = {
  describeInstance: true,
  describeDatabase: true,
  describeDatabases: true,
  describeSecurityGroups: true,
  describeInterfaces: true,
  createSecurityGroup: true,
  deleteSecurityGroup: true,
  authorizeRules: true,
  revokeRules: true,
  setInterfaceGroups: true,
  setDatabaseGroups: true,
};

export function newCallCounts(): CallCounts {
  return { total: 0, mutations: 0, dryRuns: 0, byMethod: {} };
}

/** A LinkApi that forwards every call to `api` and counts it in `counts`. */
export function countingLinkApi(api: LinkApi, counts: CallCounts = newCallCounts()): { api: LinkApi; counts: CallCounts } {
  const wrapped = {} as Record<keyof LinkApi, unknown>;
  for (const method of Object.keys(methodNames) as (keyof typeof methodNames)[]) {
    wrapped[method] = (...args: unknown[]) => {
      counts.total++;
      counts.byMethod[method] = (counts.byMethod[method] ?? 0) + 1;
      const dryIdx = dryRunArg[method];
      if (dryIdx !== undefined && args[dryIdx] === true) counts.dryRuns++;
      else if (!reads.has(method)) counts.mutations++;
      return (api[method] as (...a: unknown[]) => unknown).apply(api, args);
    };
  }
  const signalled = api.withSignal?.bind(api);
  if (signalled) wrapped.withSignal = (signal: AbortSignal) => countingLinkApi(signalled(signal), counts).api;
  return { api: wrapped as unknown as LinkApi, counts };
}
