// The weighted Canary's 5xx count (core/aws/cloudWatch.ts, ListenerWeights.group5xx) through the
// real SDK against moto's CloudWatch: the datapoints ALB would publish are put with
// PutMetricData under AWS/ApplicationELB, with the dimensions of moto's own load balancer and
// target groups, and read back with GetMetricData.
import * as assert from 'node:assert/strict';
import { PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { ListenerWeights, readForward } from '../../../src/core/aws/albWeights';
import { target5xxCount } from '../../../src/core/aws/cloudWatch';
import { loadBalancerDimension, targetGroupDimension } from '../../../src/core/aws/elbArns';
import { AwsSession, type CallInfo } from '../../../src/core/aws/session';
import { startMoto, type MotoServer } from '../support';
import { createMotoAlb, type MotoAlb } from '../support/motoAlb';

const REGION = 'eu-west-1';

describe('the canary group\'s 5xx count from CloudWatch (core/aws/cloudWatch.ts), against moto', function () {
  this.timeout(60_000);
  let moto: MotoServer;
  let alb: MotoAlb;
  let session: AwsSession;
  const calls: CallInfo[] = [];

  before(async () => {
    moto = await startMoto();
    alb = await createMotoAlb(moto.endpoint, { region: REGION, instances: 2, groups: ['goapp-stable', 'goapp-canary'] });
    session = new AwsSession({ endpointUrl: moto.endpoint, credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }), onCall: (c) => calls.push(c), maxAttempts: 1 });
  });
  after(async () => {
    session?.dispose();
    alb?.close();
    await moto?.stop();
  });

  const [stable, canary] = [0, 1].map((i) => () => alb.targetGroups[i]);
  /** When the step began, for the datapoints' test and the one after it. */
  let start = new Date();
  const datum = (groupArn: string, value: number, at: Date, lb = loadBalancerDimension(alb.listenerArn) ?? ''): MetricDatum => ({
    MetricName: 'HTTPCode_Target_5XX_Count',
    Dimensions: [{ Name: 'TargetGroup', Value: targetGroupDimension(groupArn) ?? '' }, { Name: 'LoadBalancer', Value: lb }],
    Value: value,
    Unit: 'Count',
    Timestamp: at,
  });

  it('names the dimensions ALB publishes under: targetgroup/NAME/ID and app/NAME/ID', () => {
    assert.match(targetGroupDimension(canary().arn) ?? '', /^targetgroup\/goapp-canary\/[0-9a-f]{16}$/);
    assert.equal(loadBalancerDimension(alb.listenerArn), alb.loadBalancerArn.slice(alb.loadBalancerArn.indexOf(':loadbalancer/') + ':loadbalancer/'.length));
  });

  it('no datapoint is 0; then sums the group\'s own datapoints since the step\'s minute, not another group\'s, another load balancer\'s or older ones', async () => {
    // Both datapoints in the past (a query ends now: moto leaves out a later one), and the next
    // test's query starts where this one does, so a minute turning in between changes nothing.
    start = new Date(Date.now() - 2000);
    const cw = session.cloudWatch(REGION);
    const q = { targetGroupArn: canary().arn, listenerArn: alb.listenerArn, start, end: new Date(start.getTime() + 60_000) };
    assert.equal(await target5xxCount(cw, q), 0);
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/ApplicationELB',
        MetricData: [
          datum(canary().arn, 3, start),
          datum(canary().arn, 4, new Date(start.getTime() + 1000)),
          datum(stable().arn, 50, start),
          datum(canary().arn, 70, start, 'app/other-alb/0123456789abcdef'),
          datum(canary().arn, 900, new Date(start.getTime() - 15 * 60_000)),
        ],
      }),
    );
    assert.equal(await target5xxCount(cw, q), 7);
    assert.equal(await target5xxCount(cw, { ...q, targetGroupArn: stable().arn }), 50);
    assert.ok(calls.some((c) => c.operation === 'GetMetricData' && c.region === REGION && c.ok), 'through the session, so the log and the benches see it');
  });

  it('ListenerWeights.group5xx reads it for the listener\'s load balancer; without the cloudWatch option it refuses', async () => {
    const forward = await readForward(session.elb(REGION), { listenerArn: alb.listenerArn });
    const base = { client: session.elb(REGION), ref: { listenerArn: alb.listenerArn }, actions: forward.actions, drainSeconds: new Map<string, number>(), log: () => undefined };
    const since = start.getTime();
    assert.equal(await new ListenerWeights({ ...base, cloudWatch: session.cloudWatch(REGION) }).group5xx(canary().arn, since), 7);
    await assert.rejects(new ListenerWeights(base).group5xx(canary().arn, since), /needs the cloudWatch option/);
  });

  it('a target group ARN that is not one is refused before any call', async () => {
    const before = calls.length;
    await assert.rejects(target5xxCount(session.cloudWatch(REGION), { targetGroupArn: 'goapp-canary', listenerArn: alb.listenerArn, start: new Date(), end: new Date() }), /CloudWatch dimensions need a target group ARN and a listener ARN/);
    assert.equal(calls.length, before);
  });
});
