// A thin HTTP shim in front of moto for what moto 5.2.1 lacks of EC2 Instance Connect Endpoint:
//   - `DescribeInstanceConnectEndpoints` (EC2 query protocol) is answered from the endpoints it
//     was given, with the filters the product uses (vpc-id, state, subnet-id,
//     availability-zone, instance-connect-endpoint-id), `InstanceConnectEndpointId.N`, and
//     MaxResults/NextToken paging;
//   - every other request goes to moto unchanged (method, path, headers, body), and moto's
//     answer comes back unchanged;
//   - a websocket upgrade (the tunnel's `GET /openTunnel`) goes to an EICE stand-in when one is
//     mounted, so one endpoint URL serves the SDK and the tunnel.
// Point the SDK at `endpoint` instead of moto's.
import * as http from 'node:http';
import { listenOn } from './ports';
import type { EiceStandIn } from './eiceStandIn';

export interface ShimEndpoint {
  readonly id: string;
  readonly dnsName: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly securityGroupIds: readonly string[];
  /** Default create-complete. */
  readonly state?: string;
}

export interface Ec2Shim {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  /** Every DescribeInstanceConnectEndpoints the shim answered, as its parsed parameters. */
  readonly answered: readonly Record<string, string>[];
  /** Requests passed on to moto. */
  readonly forwarded: number;
  stop(): Promise<void>;
}

export interface Ec2ShimOptions {
  /** moto's http://127.0.0.1:PORT */
  readonly moto: string;
  readonly endpoints: readonly ShimEndpoint[];
  readonly tunnel?: EiceStandIn;
  readonly accountId?: string;
  readonly port?: number;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const set = (name: string, items: readonly string[]) => `<${name}>${items.map((i) => `<item>${xmlEscape(i)}</item>`).join('')}</${name}>`;

function filtersOf(params: Record<string, string>): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (const [k, v] of Object.entries(params)) {
    const m = /^Filter\.(\d+)\.Name$/.exec(k);
    if (!m) continue;
    const values = Object.entries(params)
      .filter(([vk]) => new RegExp(`^Filter\\.${m[1]}\\.Value\\.\\d+$`).test(vk))
      .map(([, vv]) => vv);
    filters.set(v, values);
  }
  return filters;
}

function describe(endpoints: readonly ShimEndpoint[], params: Record<string, string>, accountId: string): string {
  const filters = filtersOf(params);
  const ids = Object.entries(params).filter(([k]) => /^InstanceConnectEndpointId\.\d+$/.test(k)).map(([, v]) => v);
  const field: Record<string, (e: ShimEndpoint) => string> = {
    'vpc-id': (e) => e.vpcId,
    state: (e) => e.state ?? 'create-complete',
    'subnet-id': (e) => e.subnetId,
    'availability-zone': (e) => e.availabilityZone,
    'instance-connect-endpoint-id': (e) => e.id,
  };
  const matching = endpoints.filter(
    (e) => (ids.length === 0 || ids.includes(e.id)) && [...filters].every(([name, values]) => (field[name] ? values.includes(field[name](e)) : true)),
  );
  const start = Number(params.NextToken ?? 0);
  const size = Number(params.MaxResults ?? 1000);
  const page = matching.slice(start, start + size);
  const next = start + size < matching.length ? `<nextToken>${start + size}</nextToken>` : '';
  const items = page
    .map(
      (e) =>
        `<item><ownerId>${accountId}</ownerId><instanceConnectEndpointId>${e.id}</instanceConnectEndpointId>` +
        `<instanceConnectEndpointArn>arn:aws:ec2:${e.availabilityZone.slice(0, -1)}:${accountId}:instance-connect-endpoint/${e.id}</instanceConnectEndpointArn>` +
        `<state>${e.state ?? 'create-complete'}</state><stateMessage></stateMessage><dnsName>${xmlEscape(e.dnsName)}</dnsName>` +
        `${set('networkInterfaceIdSet', [`eni-${e.id.slice(5)}`])}<vpcId>${e.vpcId}</vpcId><availabilityZone>${e.availabilityZone}</availabilityZone>` +
        `<createdAt>2024-01-01T00:00:00.000Z</createdAt><subnetId>${e.subnetId}</subnetId><preserveClientIp>false</preserveClientIp>` +
        `${set('securityGroupIdSet', e.securityGroupIds)}<tagSet/></item>`,
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstanceConnectEndpointsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
    `<requestId>rds-link-shim-${Date.now()}</requestId><instanceConnectEndpointSet>${items}</instanceConnectEndpointSet>${next}</DescribeInstanceConnectEndpointsResponse>`
  );
}

export async function startEc2Shim(options: Ec2ShimOptions): Promise<Ec2Shim> {
  const moto = new URL(options.moto);
  const answered: Record<string, string>[] = [];
  let forwarded = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => {
      const body = Buffer.concat(chunks);
      const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(body.toString('utf8'))) : {};
      if (req.method === 'POST' && form.Action === 'DescribeInstanceConnectEndpoints') {
        answered.push(form);
        const xml = describe(options.endpoints, form, options.accountId ?? '123456789012');
        res.writeHead(200, { 'Content-Type': 'text/xml;charset=UTF-8', 'Content-Length': Buffer.byteLength(xml) }).end(xml);
        return;
      }
      forwarded++;
      const upstream = http.request(
        { host: moto.hostname, port: moto.port, method: req.method, path: req.url, headers: { ...req.headers, host: moto.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.once('error', (err) => res.writeHead(502, { 'Content-Type': 'text/plain' }).end(`shim: moto did not answer: ${err.message}`));
      upstream.end(body);
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (options.tunnel) options.tunnel.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  const port = await listenOn(server, options.port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
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
