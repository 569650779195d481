/**
 * diagnose_aws_calls: AWS calls of a full static diagnosis of a linked pair in moto (the instance,
 *   the DB, groups, subnets, network ACLs, route tables and the VPC's DNS resolution attribute); must be ≤ 8.
 * diagnose_ms: wall time of that diagnosis against moto on loopback (reads in two parallel rounds).
 */
import { startMoto } from '../integration/support';
import { diagnoseCounted, link, seedUnlinkedPair } from '../integration/diagnose/scenario';

export async function run(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const moto = await startMoto();
  try {
    const s = await seedUnlinkedPair(moto.endpoint);
    await link(s);
    s.dispose();
    await diagnoseCounted(moto.endpoint, s.web); // warm-up: moto's first answers are slow
    const started = performance.now();
    const { diagnosis, calls } = await diagnoseCounted(moto.endpoint, s.web);
    const ms = performance.now() - started;
    if (diagnosis.status !== 'pass') throw new Error(`the linked pair did not pass: ${diagnosis.checks.map((c) => `${c.id} ${c.status}`).join(', ')}`);
    if (calls.length > 8) throw new Error(`a full static diagnosis made ${calls.length} AWS calls (at most 8): ${calls.map((c) => c.operation).join(', ')}`);
    return [
      { name: 'diagnose_aws_calls', value: calls.length, unit: 'calls' },
      { name: 'diagnose_ms', value: ms, unit: 'ms' },
    ];
  } finally {
    await moto.stop();
  }
}
