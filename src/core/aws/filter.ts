/** The views' filter: narrows by name, id, tag value or state. Pure and SDK-free. */
import type { Ec2Instance, RdsDatabase } from './types';

function terms(filter: string): string[] {
  return filter.toLowerCase().split(/\s+/).filter(Boolean);
}

/** Every term must match somewhere ("web running" keeps running instances named web*). */
export function matchesInstance(i: Ec2Instance, filter: string): boolean {
  const hay = [i.id, i.name ?? '', i.state, i.type ?? '', i.privateIp ?? '', i.publicIp ?? '', ...Object.entries(i.tags).map(([k, v]) => `${k}=${v}`)]
    .join(' ')
    .toLowerCase();
  return terms(filter).every((term) => hay.includes(term));
}

export function matchesDatabase(d: RdsDatabase, filter: string): boolean {
  const hay = [d.id, d.engine, d.engineVersion ?? '', d.status, d.endpoint?.address ?? '', d.clusterId ?? ''].join(' ').toLowerCase();
  return terms(filter).every((term) => hay.includes(term));
}
