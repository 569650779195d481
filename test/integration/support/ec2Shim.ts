// A thin HTTP shim in front of moto for what moto 5.2.1 lacks of EC2 Instance Connect Endpoint:
//   - `DescribeInstanceConnectEndpoints` (EC2 query protocol) is answered from the endpoints it
//     was given, with the filters the product uses (vpc-id, state, subnet-id,
//     availability-zone, instance-connect-endpoint-id), `InstanceConnectEndpointId.N`, and
//     MaxResults/NextToken paging;
//   - `CreateInstanceConnectEndpoint` (moto lacks it too): DryRun answers DryRunOperation (HTTP
//     412, as EC2 does); otherwise a new endpoint in the subnet's VPC and AZ (asked of moto), with
//     the groups given (none: the VPC's default group), state `create-in-progress`, which turns
//     `create-complete` `createDelayMs` later (default 1500 ms; AWS takes minutes). The same
//     ClientToken gives the same endpoint. The new endpoint is mounted on the EICE stand-in, so
//     tunnels through it work once it is complete;
//   - tags: CreateInstanceConnectEndpoint keeps the TagSpecification's tags, Describe… shows them
//     in tagSet and honours `tag:KEY` filters;
//   - `DeleteInstanceConnectEndpoint` (moto lacks it too): DryRun answers DryRunOperation; an
//     unknown id InvalidInstanceConnectEndpointId.NotFound (HTTP 400); otherwise the endpoint turns
//     `delete-in-progress`, is taken off the EICE stand-in at once (its tunnels end), and turns
//     `delete-complete` `createDelayMs` later, then stays listed in that state, as AWS lists a
//     deleted endpoint for a while;
//   - every other request goes to moto unchanged (method, path, headers, body), and moto's
//     answer comes back unchanged;
//   - a websocket upgrade (the tunnel's `GET /openTunnel`) goes to an EICE stand-in when one is
//     mounted, so one endpoint URL serves the SDK and the tunnel.
// Point the SDK at `endpoint` instead of moto's.
import { randomBytes } from 'node:crypto';
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
  readonly tags?: Readonly<Record<string, string>>;
}

export interface Ec2Shim {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  /** Every DescribeInstanceConnectEndpoints the shim answered, as its parsed parameters. */
  readonly answered: readonly Record<string, string>[];
  /** Requests passed on to moto. */
  readonly forwarded: number;
  /** The endpoints CreateInstanceConnectEndpoint made, oldest first. */
  readonly created: readonly ShimEndpoint[];
  /** The ids DeleteInstanceConnectEndpoint deleted, oldest first. */
  readonly deleted: readonly string[];
  stop(): Promise<void>;
}

export interface Ec2ShimOptions {
  /** moto's http://127.0.0.1:PORT */
  readonly moto: string;
  readonly endpoints: readonly ShimEndpoint[];
  readonly tunnel?: EiceStandIn;
  readonly accountId?: string;
  readonly port?: number;
  /** How long a created endpoint stays create-in-progress; default 1500 ms. */
  readonly createDelayMs?: number;
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
  const valueOf = (name: string, e: ShimEndpoint): string | undefined => (name.startsWith('tag:') ? e.tags?.[name.slice(4)] : field[name]?.(e));
  const matching = endpoints.filter(
    (e) => (ids.length === 0 || ids.includes(e.id)) && [...filters].every(([name, values]) => (name.startsWith('tag:') || field[name] ? values.includes(valueOf(name, e) ?? '') : true)),
  );
  const start = Number(params.NextToken ?? 0);
  const size = Number(params.MaxResults ?? 1000);
  const page = matching.slice(start, start + size);
  const next = start + size < matching.length ? `<nextToken>${start + size}</nextToken>` : '';
  const items = page.map((e) => `<item>${endpointXml(e, accountId)}</item>`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstanceConnectEndpointsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
    `<requestId>rds-link-shim-${Date.now()}</requestId><instanceConnectEndpointSet>${items}</instanceConnectEndpointSet>${next}</DescribeInstanceConnectEndpointsResponse>`
  );
}

function endpointXml(e: ShimEndpoint, accountId: string): string {
  return (
        `<ownerId>${accountId}</ownerId><instanceConnectEndpointId>${e.id}</instanceConnectEndpointId>` +
        `<instanceConnectEndpointArn>arn:aws:ec2:${e.availabilityZone.slice(0, -1)}:${accountId}:instance-connect-endpoint/${e.id}</instanceConnectEndpointArn>` +
        `<state>${e.state ?? 'create-complete'}</state><stateMessage></stateMessage><dnsName>${xmlEscape(e.dnsName)}</dnsName>` +
        `${set('networkInterfaceIdSet', [`eni-${e.id.slice(5)}`])}<vpcId>${e.vpcId}</vpcId><availabilityZone>${e.availabilityZone}</availabilityZone>` +
        `<createdAt>2024-01-01T00:00:00.000Z</createdAt><subnetId>${e.subnetId}</subnetId><preserveClientIp>false</preserveClientIp>` +
        `${set('securityGroupIdSet', e.securityGroupIds)}<tagSet>${Object.entries(e.tags ?? {}).map(([k, v]) => `<item><key>${xmlEscape(k)}</key><value>${xmlEscape(v)}</value></item>`).join('')}</tagSet>`
  );
}

const xmlAnswer = (res: http.ServerResponse, status: number, xml: string): void => {
  res.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8', 'Content-Length': Buffer.byteLength(xml) }).end(xml);
};

const ec2Error = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>rds-link-shim-${Date.now()}</RequestID></Response>`;

/** One EC2 query call to moto, in the caller's region (moto reads it from the authorization's scope); its XML answer. */
function askMoto(moto: URL, params: Record<string, string>, authorization: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams({ Version: '2016-11-15', ...params }).toString();
    const req = http.request({ host: moto.hostname, port: moto.port, method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** The tags of the TagSpecification for `resourceType` in a query request. */
function tagsOf(form: Record<string, string>, resourceType: string): Record<string, string> {
  const spec = Object.entries(form).find(([k, v]) => /^TagSpecification\.\d+\.ResourceType$/.test(k) && v === resourceType)?.[0].split('.')[1];
  const tags: Record<string, string> = {};
  if (!spec) return tags;
  for (const [k, v] of Object.entries(form)) {
    const m = new RegExp(`^TagSpecification\\.${spec}\\.Tag\\.(\\d+)\\.Key$`).exec(k);
    if (m) tags[v] = form[`TagSpecification.${spec}.Tag.${m[1]}.Value`] ?? '';
  }
  return tags;
}

const firstTag = (xml: string, tag: string): string => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1] ?? '';

/** CreateInstanceConnectEndpoint as EC2 answers it (see the header); undefined for a subnet moto does not know. */
async function createEndpoint(moto: URL, form: Record<string, string>, authorization: string, byToken: Map<string, ShimEndpoint>): Promise<{ endpoint: ShimEndpoint; isNew: boolean } | undefined> {
  const token = form.ClientToken ?? '';
  const known = token ? byToken.get(token) : undefined;
  if (known) return { endpoint: known, isNew: false };
  const subnet = await askMoto(moto, { Action: 'DescribeSubnets', 'SubnetId.1': form.SubnetId ?? '' }, authorization);
  const vpcId = firstTag(subnet, 'vpcId');
  if (!vpcId) return undefined;
  let groups = Object.entries(form).filter(([k]) => /^SecurityGroupId\.\d+$/.test(k)).map(([, v]) => v);
  if (groups.length === 0) {
    const defaults = await askMoto(moto, { Action: 'DescribeSecurityGroups', 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': vpcId, 'Filter.2.Name': 'group-name', 'Filter.2.Value.1': 'default' }, authorization);
    groups = [firstTag(defaults, 'groupId')].filter(Boolean);
  }
  const id = `eice-0${randomBytes(8).toString('hex')}`;
  const az = firstTag(subnet, 'availabilityZone');
  const tags = tagsOf(form, 'instance-connect-endpoint');
  const endpoint: ShimEndpoint = { tags, id, dnsName: `${id}.${randomBytes(4).toString('hex')}.ec2-instance-connect-endpoint.${az.slice(0, -1)}.amazonaws.com`, vpcId, subnetId: form.SubnetId ?? '', availabilityZone: az, securityGroupIds: groups, state: 'create-in-progress' };
  if (token) byToken.set(token, endpoint);
  return { endpoint, isNew: true };
}

export async function startEc2Shim(options: Ec2ShimOptions): Promise<Ec2Shim> {
  const moto = new URL(options.moto);
  const answered: Record<string, string>[] = [];
  const endpoints: ShimEndpoint[] = [...options.endpoints];
  const created: ShimEndpoint[] = [];
  const deleted: string[] = [];
  const byToken = new Map<string, ShimEndpoint>();
  const timers = new Set<NodeJS.Timeout>();
  const accountId = options.accountId ?? '123456789012';
  let forwarded = 0;
  async function onCreate(form: Record<string, string>, authorization: string, res: http.ServerResponse): Promise<void> {
    if (form.DryRun === 'true') return xmlAnswer(res, 412, ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.'));
    const made = await createEndpoint(moto, form, authorization, byToken);
    if (!made) return xmlAnswer(res, 400, ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${form.SubnetId ?? ''}' does not exist`));
    const { endpoint, isNew } = made;
    if (isNew) {
      endpoints.push(endpoint);
      created.push(endpoint);
      const timer = setTimeout(() => {
        timers.delete(timer);
        // Deleted while being created: it stays deleted.
        if (endpoints.find((e) => e.id === endpoint.id)?.state !== 'create-in-progress') return;
        replace(endpoint.id, { state: 'create-complete' });
        options.tunnel?.addEndpoint({ id: endpoint.id, dnsName: endpoint.dnsName });
      }, options.createDelayMs ?? 1500);
      timers.add(timer);
    }
    const current = endpoints.find((e) => e.id === endpoint.id) ?? endpoint;
    xmlAnswer(res, 200,
      '<?xml version="1.0" encoding="UTF-8"?>\n<CreateInstanceConnectEndpointResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
      `<requestId>rds-link-shim-${Date.now()}</requestId><instanceConnectEndpoint>${endpointXml(current, accountId)}</instanceConnectEndpoint><clientToken>${xmlEscape(form.ClientToken ?? '')}</clientToken></CreateInstanceConnectEndpointResponse>`);
  }
  function replace(id: string, change: Partial<ShimEndpoint>): ShimEndpoint | undefined {
    const i = endpoints.findIndex((e) => e.id === id);
    if (i < 0) return undefined;
    endpoints[i] = { ...endpoints[i], ...change };
    const c = created.findIndex((e) => e.id === id);
    if (c >= 0) created[c] = endpoints[i];
    return endpoints[i];
  }
  function onDelete(form: Record<string, string>, res: http.ServerResponse): void {
    if (form.DryRun === 'true') return xmlAnswer(res, 412, ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.'));
    const id = form.InstanceConnectEndpointId ?? '';
    const known = endpoints.find((e) => e.id === id);
    if (!known || known.state === 'delete-complete') return xmlAnswer(res, 400, ec2Error('InvalidInstanceConnectEndpointId.NotFound', `The instanceConnectEndpoint ID '${id}' does not exist`));
    const deleting = replace(id, { state: 'delete-in-progress' }) ?? known;
    deleted.push(id);
    options.tunnel?.removeEndpoint(id);
    const timer = setTimeout(() => {
      timers.delete(timer);
      replace(id, { state: 'delete-complete' });
    }, options.createDelayMs ?? 1500);
    timers.add(timer);
    xmlAnswer(res, 200,
      '<?xml version="1.0" encoding="UTF-8"?>\n<DeleteInstanceConnectEndpointResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
      `<requestId>rds-link-shim-${Date.now()}</requestId><instanceConnectEndpoint>${endpointXml(deleting, accountId)}</instanceConnectEndpoint></DeleteInstanceConnectEndpointResponse>`);
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => {
      const body = Buffer.concat(chunks);
      const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(body.toString('utf8'))) : {};
      if (req.method === 'POST' && form.Action === 'DescribeInstanceConnectEndpoints') {
        answered.push(form);
        return xmlAnswer(res, 200, describe(endpoints, form, accountId));
      }
      if (req.method === 'POST' && form.Action === 'CreateInstanceConnectEndpoint') {
        onCreate(form, req.headers.authorization ?? '', res).catch((err: Error) => xmlAnswer(res, 500, ec2Error('InternalError', err.message)));
        return;
      }
      if (req.method === 'POST' && form.Action === 'DeleteInstanceConnectEndpoint') return onDelete(form, res);
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
    created,
    deleted,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
