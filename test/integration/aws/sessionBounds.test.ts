import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { listInstances } from '../../../src/core/aws/ec2';
import { listDatabases } from '../../../src/core/aws/rds';
import { AwsSession, CallTimeoutError } from '../../../src/core/aws/session';
import { awsCredentialSources, credentialCandidates } from '../../../src/core/db/credentials';
import { CancelledError, isCancellation, toAbortSignal } from '../../../src/core/errors';

const credentials = async () => ({ accessKeyId: 'test', secretAccessKey: 'test' });

/** A TCP server that accepts every connection, reads the request, and never answers. */
async function startSilentServer(): Promise<{ endpoint: string; requests: () => number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let requests = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => requests++);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    stop: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function failure(p: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = performance.now();
  try {
    await p;
  } catch (err) {
    return { err, ms: performance.now() - started };
  }
  assert.fail('the call should have failed');
}

describe('SDK calls are bounded and can be cancelled (real SDK, a silent local server)', function () {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  before(async () => {
    silent = await startSilentServer();
  });
  after(async () => silent?.stop());

  it('a call to an endpoint that never answers fails within the request timeout, naming the call', async () => {
    const s = new AwsSession({ endpointUrl: silent.endpoint, credentials, maxAttempts: 1, requestTimeoutMs: 400 });
    try {
      const { err, ms } = await failure(listInstances(s.ec2('us-east-1'), 'us-east-1'));
      assert.ok(err instanceof CallTimeoutError, `expected a CallTimeoutError, got ${String(err)}`);
      assert.equal(err.name, 'TimeoutError');
      assert.match(err.message, /^ec2 DescribeInstances in us-east-1 failed: the AWS endpoint did not answer within 0\.4 s\.$/);
      assert.ok(ms >= 350 && ms < 2_000, `failed after ${Math.round(ms)} ms`);
      assert.equal(isCancellation(err), false);
    } finally {
      s.dispose();
    }
  });

  it('retries count: three attempts of 300 ms end in well under the 15 min socket default', async () => {
    const s = new AwsSession({ endpointUrl: silent.endpoint, credentials, requestTimeoutMs: 300 });
    const before = silent.requests();
    try {
      const { err, ms } = await failure(listDatabases(s.rds('us-east-1'), 'us-east-1'));
      assert.ok(err instanceof Error && /did not answer within 0\.3 s/.test(err.message), String(err));
      assert.equal(silent.requests() - before >= 3, true, `the SDK made ${silent.requests() - before} attempts`);
      assert.ok(ms < 5_000, `failed after ${Math.round(ms)} ms`);
    } finally {
      s.dispose();
    }
  });

  it('aborting in the middle of a call (a paginator included) ends it at once with a CancelledError', async () => {
    const s = new AwsSession({ endpointUrl: silent.endpoint, credentials, maxAttempts: 3 });
    const ac = new AbortController();
    try {
      const started = silent.requests();
      setTimeout(() => ac.abort(new CancelledError()), 200);
      const { err, ms } = await failure(listInstances(s.withSignal(ac.signal).ec2('us-east-1'), 'us-east-1'));
      assert.ok(err instanceof CancelledError, `expected a CancelledError, got ${(err as Error).name}: ${String(err)}`);
      assert.ok(isCancellation(err));
      assert.match(err.message, /ec2 DescribeInstances in us-east-1 was stopped/);
      assert.ok(ms >= 150 && ms < 1_000, `cancelled after ${Math.round(ms)} ms`);
      // The request was on the wire when it was aborted; no retry followed the abort.
      assert.equal(silent.requests() - started, 1);
    } finally {
      s.dispose();
    }
  });

  it('a cancelled master-secret lookup stops the login: no fallback to a password prompt', async () => {
    const s = new AwsSession({ endpointUrl: silent.endpoint, credentials, maxAttempts: 1 });
    const ac = new AbortController();
    let prompted = false;
    const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1';
    const db = { region: 'us-east-1', masterUserSecretArn: secretArn, masterUsername: 'admin', iamAuthEnabled: false } as const;
    try {
      const candidates = credentialCandidates(
        { db: db as never, useIam: false },
        { ...awsCredentialSources(s.withSignal(ac.signal), db), promptPassword: async () => ((prompted = true), 'typed') },
      );
      setTimeout(() => ac.abort(), 150);
      const { err, ms } = await failure(candidates.next());
      assert.ok(isCancellation(err), `expected a cancel, got ${String(err)}`);
      assert.match((err as Error).message, /secretsmanager GetSecretValue in us-east-1 was stopped/);
      assert.ok(ms < 1_000, `cancelled after ${Math.round(ms)} ms`);
      assert.equal(prompted, false);
    } finally {
      s.dispose();
    }
  });

  it('a VS Code-style token cancels through toAbortSignal, and the session without the signal is untouched', async () => {
    const s = new AwsSession({ endpointUrl: silent.endpoint, credentials, maxAttempts: 1, requestTimeoutMs: 600 });
    const listeners: (() => void)[] = [];
    const token = {
      isCancellationRequested: false,
      onCancellationRequested: (l: () => void) => {
        listeners.push(l);
        return { dispose: () => undefined };
      },
    };
    try {
      const signal = toAbortSignal(token);
      setTimeout(() => {
        token.isCancellationRequested = true;
        for (const l of listeners) l();
      }, 100);
      const [cancelled, timedOut] = await Promise.all([
        failure(s.callerIdentity('us-east-1', signal)),
        failure(s.callerIdentity('us-east-1')),
      ]);
      assert.ok(cancelled.err instanceof CancelledError, String(cancelled.err));
      assert.ok(cancelled.ms < 500, `cancelled after ${Math.round(cancelled.ms)} ms`);
      assert.ok(timedOut.err instanceof CallTimeoutError, String(timedOut.err));
      assert.ok(timedOut.ms >= 550, `timed out after ${Math.round(timedOut.ms)} ms`);
    } finally {
      s.dispose();
    }
  });
});
