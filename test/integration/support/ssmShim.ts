// A thin HTTP shim in front of moto for what moto 5.2.1 lacks of SSM Run Command, in the spirit
// of ec2Shim.ts:
//   - `DescribeInstanceInformation` (SSM's JSON protocol, X-Amz-Target) is answered from the
//     instances it was given: those with a PingStatus, filtered by the `InstanceIds` filter the
//     product uses (an instance without one is not managed by SSM, as AWS leaves it out);
//   - `ListCommandInvocations` is answered from moto's own record of the command (ListCommands,
//     asked of moto with the caller's authorization, so in the caller's region): one invocation
//     per instance id it was sent to, or per given instance with the tag it targets (moto's
//     TargetCount for a tag is wrong), each with the command's status as moto reports it
//     (Success: moto runs nothing);
//   - every other request goes to moto unchanged, and moto's answer comes back unchanged.
// Point the SDK at `endpoint` instead of moto's.
import * as http from 'node:http';
import { listenOn } from './ports';

export interface ShimInstance {
  readonly id: string;
  /** DescribeInstanceInformation's PingStatus; absent: SSM does not know the instance. */
  readonly pingStatus?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface SsmShim {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** The operations the shim answered itself, in order. */
  readonly answered: readonly string[];
  /** Requests passed on to moto. */
  readonly forwarded: number;
  stop(): Promise<void>;
}

interface MotoCommand {
  readonly InstanceIds?: string[];
  readonly Targets?: Array<{ Key: string; Values: string[] }>;
  readonly Status?: string;
}

const json = (res: http.ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(text) }).end(text);
};

/** One SSM JSON call to moto with the caller's authorization; its parsed answer. */
function askMoto(moto: URL, target: string, body: unknown, authorization: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = http.request({ host: moto.hostname, port: moto.port, method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${target}`, authorization } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.once('end', () => {
        const out = Buffer.concat(chunks).toString('utf8');
        if ((answer.statusCode ?? 500) >= 300) reject(new Error(`moto ${target}: HTTP ${answer.statusCode}: ${out}`));
        else resolve(JSON.parse(out) as Record<string, unknown>);
      });
    });
    req.once('error', reject);
    req.end(text);
  });
}

/** The instances a command reaches: its ids, or the given instances with the tag it targets. */
function reached(command: MotoCommand, instances: readonly ShimInstance[]): string[] {
  if (command.InstanceIds?.length) return command.InstanceIds;
  return (command.Targets ?? []).flatMap((t) => {
    const key = t.Key.replace(/^tag:/, '');
    return instances.filter((i) => i.tags && t.Values.includes(i.tags[key] ?? '')).map((i) => i.id);
  });
}

export async function startSsmShim(options: { readonly moto: string; readonly instances: readonly ShimInstance[] }): Promise<SsmShim> {
  const moto = new URL(options.moto);
  const answered: string[] = [];
  let forwarded = 0;
  const describeInformation = (input: { Filters?: Array<{ Key: string; Values: string[] }> }): unknown => {
    const ids = input.Filters?.find((f) => f.Key === 'InstanceIds')?.Values;
    const list = options.instances.filter((i) => i.pingStatus && (!ids || ids.includes(i.id)));
    return { InstanceInformationList: list.map((i) => ({ InstanceId: i.id, PingStatus: i.pingStatus, ResourceType: 'EC2Instance', PlatformType: 'Linux' })) };
  };
  const listInvocations = async (input: { CommandId?: string }, authorization: string): Promise<unknown> => {
    const out = await askMoto(moto, 'ListCommands', { CommandId: input.CommandId }, authorization);
    const command = (out.Commands as MotoCommand[] | undefined)?.[0];
    if (!command) return { CommandInvocations: [] };
    return { CommandInvocations: reached(command, options.instances).map((InstanceId) => ({ CommandId: input.CommandId, InstanceId, Status: command.Status ?? 'Pending', DocumentName: 'AWS-RunShellScript' })) };
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSSM\./, '');
      if (req.method === 'POST' && operation === 'DescribeInstanceInformation') {
        answered.push(operation);
        return json(res, 200, describeInformation(JSON.parse(body.toString('utf8') || '{}') as never));
      }
      if (req.method === 'POST' && operation === 'ListCommandInvocations') {
        answered.push(operation);
        listInvocations(JSON.parse(body.toString('utf8') || '{}') as never, req.headers.authorization ?? '').then(
          (out) => json(res, 200, out),
          (err: Error) => json(res, 500, { __type: 'InternalServerError', message: err.message }),
        );
        return;
      }
      forwarded++;
      const upstream = http.request({ host: moto.hostname, port: moto.port, method: req.method, path: req.url, headers: { ...req.headers, host: moto.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.once('error', (err) => res.writeHead(502, { 'Content-Type': 'text/plain' }).end(`shim: moto did not answer: ${err.message}`));
      upstream.end(body);
    });
  });
  const port = await listenOn(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    answered,
    get forwarded() {
      return forwarded;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
