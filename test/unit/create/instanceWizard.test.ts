// The instance wizard's prompts (what the box says about the address and where it came from)
// and the public address lookup against a local HTTP server standing in for the echo.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { findPublicIp, runInstanceWizard, type InstanceCreateContext, type Prompter, type PublicIpLookup } from '../../../src/core/aws/create';

const context: InstanceCreateContext = {
  region: 'us-east-1',
  vpcId: 'vpc-1',
  subnets: [{ id: 'subnet-pub', vpcId: 'vpc-1', availabilityZone: 'us-east-1a', public: true }],
  types: [],
  groupNames: [],
};

/** Answers in order; records each input box's title, value and prompt. */
function scripted(answers: unknown[]): { prompter: Prompter; inputs: Array<{ title: string; value?: string; prompt?: string }>; picks: string[] } {
  const inputs: Array<{ title: string; value?: string; prompt?: string }> = [];
  const picks: string[] = [];
  const prompter: Prompter = {
    async pick(title, items) {
      picks.push(title);
      const want = answers.shift();
      return items.find((i) => i.value === want)?.value;
    },
    async input(title, options) {
      inputs.push({ title, value: options.value, prompt: options.prompt });
      const v = answers.shift();
      return typeof v === 'string' ? (options.validate(v) ? undefined : v) : options.value;
    },
  };
  return { prompter, inputs, picks };
}

async function wizard(lookup: PublicIpLookup, ip: string | undefined) {
  const s = scripted(['web', 'al2023', 'x86_64', false, 't3.micro', 'sshFromIp', ip]);
  const result = await runInstanceWizard(s.prompter, { region: 'us-east-1', vpcs: [{ id: 'vpc-1', isDefault: true }], takenNames: [], prepare: async () => context, findPublicIp: async () => lookup });
  return { ...s, plan: result.plan };
}

describe('create: the instance wizard and the public address', () => {
  it('offers the address the echo found as the default, saying who answered; one VPC and one subnet are not asked', async () => {
    const { inputs, picks, plan } = await wizard({ ip: '198.51.100.9' }, undefined);
    const box = inputs.find((i) => i.title === 'Your public IPv4 address');
    assert.equal(box?.value, '198.51.100.9');
    assert.match(box?.prompt ?? '', /As https:\/\/checkip\.amazonaws\.com sees you/);
    assert.ok(!picks.includes('VPC') && !picks.includes('Subnet'));
    assert.deepEqual(plan.securityGroup.ingressCidrs, ['198.51.100.9/32']);
  });

  it('when the echo did not answer, the box is empty and says why', async () => {
    const { inputs, plan } = await wizard({ problem: 'https://checkip.amazonaws.com did not answer (fetch failed).' }, '203.0.113.4');
    const box = inputs.find((i) => i.title === 'Your public IPv4 address');
    assert.equal(box?.value, '');
    assert.equal(box?.prompt, 'https://checkip.amazonaws.com did not answer (fetch failed). Type your public IPv4 address.');
    assert.deepEqual(plan.securityGroup.ingressCidrs, ['203.0.113.4/32']);
  });

  describe('findPublicIp', () => {
    let server: http.Server;
    let answer: { status: number; body: string; delayMs?: number };
    let url = '';
    before(async () => {
      server = http.createServer((_req, res) => setTimeout(() => res.writeHead(answer.status).end(answer.body), answer.delayMs ?? 0));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    after(() => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }));
    const problemOf = (x: PublicIpLookup): string => ('problem' in x ? x.problem : '');

    it('reads the address the echo answers (with its newline)', async () => {
      answer = { status: 200, body: '198.51.100.9\n' };
      assert.deepEqual(await findPublicIp(url), { ip: '198.51.100.9' });
    });

    it('says what went wrong: an HTTP error, a private address, no answer in time', async () => {
      answer = { status: 503, body: '' };
      assert.deepEqual(await findPublicIp(url), { problem: `${url} answered HTTP 503.` });
      answer = { status: 200, body: '10.0.0.7' };
      assert.match(problemOf(await findPublicIp(url)), /10\.0\.0\.7 is not a public address/);
      answer = { status: 200, body: '198.51.100.9', delayMs: 500 };
      assert.match(problemOf(await findPublicIp(url, 50)), /did not answer/);
    });
  });
});
