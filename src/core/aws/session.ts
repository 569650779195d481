/**
 * One AWS session: a profile's credentials, an optional endpoint override, and SDK clients
 * cached per service and region. Every call is bounded (connection and request timeouts on the
 * HTTP handler) and goes through a middleware that reports it (service, operation, region,
 * duration, outcome) for the log and the benchmarks, and turns an abort into a CancelledError
 * and a timeout into an error that says which call got no answer.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EC2InstanceConnectClient } from '@aws-sdk/client-ec2-instance-connect';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { state as sdkWarningState } from '@aws-sdk/core/client';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { CancelledError } from '../errors';
import { t } from '../l10n';

// The SDK warns on Node 20 that future releases need Node 22. VS Code 1.96's extension host is
// Node 20 and the SDK versions are pinned, so the warning is noise in the user's output.
sdkWarningState.warningEmitted = true;

export interface CallInfo {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly ms: number;
  readonly ok: boolean;
  readonly errorName?: string;
}

export interface SessionConfig {
  /** Empty: the SDK's default chain (environment, AWS_PROFILE, then "default"). */
  readonly profile?: string;
  /** For LocalStack or moto; empty: the SDK's own resolution, AWS_ENDPOINT_URL(_<SERVICE>) included. */
  readonly endpointUrl?: string;
  readonly onCall?: (call: CallInfo) => void;
  /** For tests and benchmarks: other credentials than the profile chain. */
  readonly credentials?: AwsCredentialIdentityProvider;
  readonly maxAttempts?: number;
  /** How long to wait for the TCP/TLS connection to an endpoint; default DEFAULT_CONNECTION_TIMEOUT_MS. */
  readonly connectionTimeoutMs?: number;
  /** How long one attempt of a call may take until its answer; default DEFAULT_REQUEST_TIMEOUT_MS. */
  readonly requestTimeoutMs?: number;
}

/** A reachable AWS endpoint connects in well under a second; a VPN or proxy may add a few. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;
/**
 * The slowest calls we make (a 1000-item DescribeSecurityGroups page, ModifyDBInstance) answer
 * in a few seconds. The SDK retries a timed-out attempt (3 attempts by default).
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The clients of a session, for code that only needs some of them (and for a signal's view). */
export interface AwsClients {
  ec2(region: string): EC2Client;
  rds(region: string): RDSClient;
  sts(region: string): STSClient;
  secretsManager(region: string): SecretsManagerClient;
  instanceConnect(region: string): EC2InstanceConnectClient;
  /** ELBv2: target groups behind an Application Load Balancer. */
  elb(region: string): ElasticLoadBalancingV2Client;
}

/** A call that got no answer within the session's bounds. Named like the SDK's, so retries and classifyAwsError see a timeout. */
export class CallTimeoutError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'TimeoutError';
  }
}

type Sendable = { send(command: unknown, options?: unknown, cb?: unknown): unknown };

/**
 * The client with `signal` given to each of its calls, as `send(command, { abortSignal })`. A
 * view, not a copy: the cached client, its sockets and its middleware are shared. Paginators and
 * waiters call `client.send` themselves, so one view covers them too.
 */
export function abortable<C extends object>(client: C, signal: AbortSignal | undefined): C {
  if (!signal) return client;
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (prop === 'send') {
        const send = (target as unknown as Sendable).send.bind(target);
        return (command: unknown, options?: unknown, cb?: unknown) =>
          typeof options === 'function' ? send(command, { abortSignal: signal }, options) : send(command, { abortSignal: signal, ...(options as object | undefined) }, cb);
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

interface ClientCtor<C> {
  new (config: Record<string, unknown>): C;
}

type AnyClient = { destroy(): void; middlewareStack: object };
type MiddlewareAdder = { add(mw: unknown, opts: { step: string; name: string }): void };

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

export class AwsSession implements AwsClients {
  private readonly clients = new Map<string, AnyClient>();
  private readonly credentials: AwsCredentialIdentityProvider;

  constructor(readonly config: SessionConfig) {
    this.credentials =
      config.credentials ??
      fromNodeProviderChain(config.profile ? { profile: config.profile } : {});
  }

  ec2(region: string): EC2Client {
    return this.client('ec2', EC2Client, region);
  }

  rds(region: string): RDSClient {
    return this.client('rds', RDSClient, region);
  }

  sts(region: string): STSClient {
    return this.client('sts', STSClient, region);
  }

  secretsManager(region: string): SecretsManagerClient {
    return this.client('secretsmanager', SecretsManagerClient, region);
  }

  instanceConnect(region: string): EC2InstanceConnectClient {
    return this.client('ec2-instance-connect', EC2InstanceConnectClient, region);
  }

  elb(region: string): ElasticLoadBalancingV2Client {
    return this.client('elasticloadbalancing', ElasticLoadBalancingV2Client, region);
  }

  /** SSM: the public AMI parameters (and Run Command). */
  ssm(region: string): SSMClient {
    return this.client('ssm', SSMClient, region);
  }

  /**
   * S3: the fleet deploy's artifacts (core/deploy/ssmFleet.ts). With an endpoint override (moto,
   * LocalStack) buckets are addressed by path: a bucket name as a subdomain of 127.0.0.1 resolves nowhere.
   */
  s3(region: string): S3Client {
    return this.client('s3', S3Client, region, this.config.endpointUrl ? { forcePathStyle: true } : {});
  }

  /** CloudWatch: a target group's 5xx count during a weighted Canary's bake (strategy.max5xx). */
  cloudWatch(region: string): CloudWatchClient {
    return this.client('monitoring', CloudWatchClient, region);
  }

  /** IAM is global; the region only picks the signing region of the call. */
  iam(region: string): IAMClient {
    return this.client('iam', IAMClient, region);
  }

  /** The same clients, with every call aborted by `signal` (the command's cancellation). */
  withSignal(signal: AbortSignal | undefined): AwsClients {
    if (!signal) return this;
    return {
      ec2: (region) => abortable(this.ec2(region), signal),
      rds: (region) => abortable(this.rds(region), signal),
      sts: (region) => abortable(this.sts(region), signal),
      secretsManager: (region) => abortable(this.secretsManager(region), signal),
      instanceConnect: (region) => abortable(this.instanceConnect(region), signal),
      elb: (region) => abortable(this.elb(region), signal),
    };
  }

  async callerIdentity(region: string, signal?: AbortSignal): Promise<CallerIdentity> {
    const out = await abortable(this.sts(region), signal).send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '', arn: out.Arn ?? '' };
  }

  dispose(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }

  private client<C extends AnyClient>(service: string, ctor: ClientCtor<C>, region: string, extra: Record<string, unknown> = {}): C {
    const key = `${service}/${region}`;
    let c = this.clients.get(key) as C | undefined;
    if (!c) {
      const connectionTimeout = this.config.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS;
      const requestTimeout = this.config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      c = new ctor({
        region,
        credentials: this.credentials,
        // Without throwOnRequestTimeout the handler only warns (on the console) and waits on.
        requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true },
        ...(this.config.endpointUrl ? { endpoint: this.config.endpointUrl } : {}),
        ...(this.config.maxAttempts ? { maxAttempts: this.config.maxAttempts } : {}),
        ...extra,
      });
      const onCall = this.config.onCall;
      (c.middlewareStack as MiddlewareAdder).add(
        (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
          const started = performance.now();
          const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
          try {
            const out = await next(args);
            onCall?.({ service, operation, region, ms: performance.now() - started, ok: true });
            return out;
          } catch (err) {
            onCall?.({ service, operation, region, ms: performance.now() - started, ok: false, errorName: (err as Error).name });
            throw explainCallError(err, { service, operation, region, connectionTimeout, requestTimeout });
          }
        },
        { step: 'initialize', name: 'rdsLinkCallReporter' },
      );
      this.clients.set(key, c);
    }
    return c;
  }
}

/** An abort as a CancelledError; a timeout as an error that names the call and the bound. */
function explainCallError(
  err: unknown,
  call: { service: string; operation: string; region: string; connectionTimeout: number; requestTimeout: number },
): unknown {
  if (!(err instanceof Error)) return err;
  if (err.name === 'AbortError') return new CancelledError(t('Cancelled: {0} {1} in {2} was stopped.', call.service, call.operation, call.region), { cause: err });
  if (err.name !== 'TimeoutError' || err instanceof CallTimeoutError) return err;
  // The handler names a reset connection TimeoutError too; only its own bounds are explained here.
  const connecting = /did not establish a connection/.test(err.message);
  if (!connecting && !/requestTimeout|socket timed out/.test(err.message)) return err;
  const seconds = (connecting ? call.connectionTimeout : call.requestTimeout) / 1000;
  return new CallTimeoutError(
    connecting
      ? t('{0} {1} in {2} failed: no connection to the AWS endpoint within {3} s. Check the network, a VPN or proxy, and the endpoint setting.', call.service, call.operation, call.region, seconds)
      : t('{0} {1} in {2} failed: the AWS endpoint did not answer within {3} s.', call.service, call.operation, call.region, seconds),
    { cause: err },
  );
}
