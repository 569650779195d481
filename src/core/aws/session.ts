/**
 * One AWS session: a profile's credentials, an optional endpoint override, and SDK clients
 * cached per service and region. Every call goes through a middleware that reports it
 * (service, operation, region, duration, outcome) for the log and for the benchmarks.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { EC2InstanceConnectClient } from '@aws-sdk/client-ec2-instance-connect';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { state as sdkWarningState } from '@aws-sdk/core/client';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

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

export class AwsSession {
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

  async callerIdentity(region: string): Promise<CallerIdentity> {
    const out = await this.sts(region).send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '', arn: out.Arn ?? '' };
  }

  dispose(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }

  private client<C extends AnyClient>(service: string, ctor: ClientCtor<C>, region: string): C {
    const key = `${service}/${region}`;
    let c = this.clients.get(key) as C | undefined;
    if (!c) {
      c = new ctor({
        region,
        credentials: this.credentials,
        ...(this.config.endpointUrl ? { endpoint: this.config.endpointUrl } : {}),
        ...(this.config.maxAttempts ? { maxAttempts: this.config.maxAttempts } : {}),
      });
      const onCall = this.config.onCall;
      if (onCall) {
        (c.middlewareStack as MiddlewareAdder).add(
          (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
            const started = performance.now();
            const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
            try {
              const out = await next(args);
              onCall({ service, operation, region, ms: performance.now() - started, ok: true });
              return out;
            } catch (err) {
              onCall({ service, operation, region, ms: performance.now() - started, ok: false, errorName: (err as Error).name });
              throw err;
            }
          },
          { step: 'initialize', name: 'rdsLinkCallReporter' },
        );
      }
      this.clients.set(key, c);
    }
    return c;
  }
}
