/** What is known of each side's addresses: exact ones, or the subnet's block when only the subnet is known. */
import { parseRange, type AddressRange, type Family } from './addresses';
import type { DiagnosisState, SideLocation, Subnet } from './types';

export interface SideRanges {
  readonly ipv4?: AddressRange;
  readonly ipv6?: AddressRange;
  /** True when the address is exact (not just its subnet). */
  readonly exact: boolean;
}

export function subnetOf(state: DiagnosisState, side: SideLocation): Subnet | undefined {
  return side.subnetId ? state.subnets?.find((s) => s.id === side.subnetId) : undefined;
}

export function sideRanges(state: DiagnosisState, side: SideLocation): SideRanges {
  const exact = side.ipv4 ? parseRange(side.ipv4) : undefined;
  const subnet = subnetOf(state, side);
  const ipv4 = exact ?? (subnet?.cidr ? parseRange(subnet.cidr) : undefined);
  const ipv6 = side.ipv6.length ? parseRange(side.ipv6[0]) : undefined;
  return { ipv4, ipv6, exact: !!exact };
}

/** The families both sides have an address in: IPv4 first (the endpoint's usual answer), then IPv6. */
export function sharedFamilies(a: SideRanges, b: SideRanges): Family[] {
  const out: Family[] = [];
  if (a.ipv4 && b.ipv4) out.push('ipv4');
  if (a.ipv6 && b.ipv6) out.push('ipv6');
  return out;
}

export function rangeOf(r: SideRanges, family: Family): AddressRange | undefined {
  return family === 'ipv4' ? r.ipv4 : r.ipv6;
}
