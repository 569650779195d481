/**
 * For handlers that call AWS: the real core module with the network calls a test names replaced
 * (each call recorded), and a store whose session hands out labelled fake clients.
 */
import * as aws from '../../../src/core/aws/index';
import * as db from '../../../src/core/db/index';
import * as goconfig from '../../../src/core/goconfig/index';
import type { Deps } from '../../../src/commands/deps';
import { fakeDeps, FakeStore, type StoreContents } from '../support/fakeDeps';

export type AwsModule = typeof aws;

/** A client is only passed through by the handlers: the label says which service and region it was for. */
export interface FakeClient {
  readonly service: 'ec2' | 'rds' | 'ssm' | 'iam';
  readonly region: string;
}

interface FakeSession {
  ec2(region: string): FakeClient;
  rds(region: string): FakeClient;
  ssm(region: string): FakeClient;
  iam(region: string): FakeClient;
  withSignal(): FakeSession;
}

const session: FakeSession = {
  ec2: (region) => ({ service: 'ec2', region }),
  rds: (region) => ({ service: 'rds', region }),
  ssm: (region) => ({ service: 'ssm', region }),
  iam: (region) => ({ service: 'iam', region }),
  withSignal: () => session,
};

/** A FakeStore whose getSession() answers with labelled clients. */
export function storeWithSession(contents: StoreContents): FakeStore {
  return Object.assign(new FakeStore(contents), { getSession: () => session }) as unknown as FakeStore;
}

/** deps.core with `stubs` in place of the real AWS functions; `calls` records each stubbed call by name. */
export function stubAws(stubs: Partial<AwsModule>): { core: Deps['core']; calls: Array<{ name: string; args: unknown[] }> } {
  const calls: Array<{ name: string; args: unknown[] }> = [];
  const recorded = Object.fromEntries(Object.entries(stubs).map(([name, fn]) => [name, (...args: unknown[]) => {
    calls.push({ name, args });
    return (fn as (...a: unknown[]) => unknown)(...args);
  }]));
  const module = { ...aws, ...recorded } as AwsModule;
  return { core: { aws: () => module, db: () => db, goconfig: () => goconfig, deploy: fakeDeps().core.deploy }, calls };
}
