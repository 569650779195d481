/**
 * list_calls_per_1000_instances: DescribeInstances calls to list 1,000 instances (must be 1).
 * list_regions_concurrency_ratio: wall time of the views' whole first load (the account id, and per
 *   region the instances, DBs, clusters, Blue/Green deployments and link groups) for 4 regions ÷
 *   for 1 region, with a fixed 150 ms added in front of every call (must be ≤ 1.2: nothing waits).
 */
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { listInstances } from '../../src/core/aws/ec2';
import { allSettled, startSessionLoad } from '../../src/core/aws/regionLoad';
import { AwsSession, type CallInfo } from '../../src/core/aws/session';
import { startDelayProxy } from '../integration/aws/delayProxy';
import { clientConfig } from '../integration/aws/sandbox';
import { startMoto } from '../integration/support';

const credentials = async () => ({ accessKeyId: 'test', secretAccessKey: 'test' });

export async function run(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const moto = await startMoto();
  try {
    const ec2 = new EC2Client(clientConfig(moto.endpoint, 'us-east-1'));
    // moto pages by reservation; ten reservations of 100 still fit one 1000-item page.
    for (let r = 0; r < 10; r++) await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 100, MaxCount: 100 }));
    ec2.destroy();
    const calls: CallInfo[] = [];
    const s = new AwsSession({ endpointUrl: moto.endpoint, credentials, onCall: (c) => calls.push(c) });
    const listed = await listInstances(s.ec2('us-east-1'), 'us-east-1');
    s.dispose();
    if (listed.length !== 1000) throw new Error(`expected 1000 instances, listed ${listed.length}`);
    const listCalls = calls.filter((c) => c.operation === 'DescribeInstances').length;

    const proxy = await startDelayProxy(moto.endpoint, 150, [], { replay: true });
    const regions = ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1'];
    const loadRegions = async (rs: string[]): Promise<number> => {
      const session = new AwsSession({ endpointUrl: proxy.endpoint, credentials });
      const started = performance.now();
      await allSettled(startSessionLoad(session, rs));
      const ms = performance.now() - started;
      session.dispose();
      return ms;
    };
    await loadRegions(regions); // warm up clients and moto's per-region state
    const one: number[] = [];
    const four: number[] = [];
    for (let i = 0; i < 5; i++) {
      one.push(await loadRegions(regions.slice(0, 1)));
      four.push(await loadRegions(regions));
    }
    await proxy.stop();
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return [
      { name: 'list_calls_per_1000_instances', value: listCalls, unit: 'calls' },
      { name: 'list_regions_concurrency_ratio', value: median(four) / median(one), unit: 'ratio' },
    ];
  } finally {
    await moto.stop();
  }
}
