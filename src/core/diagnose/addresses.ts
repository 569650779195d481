/**
 * IPv4 and IPv6 addresses and CIDR blocks as ranges of integers, so a rule's block can be
 * compared with what is known of a side: one exact address, or only the subnet it sits in.
 */
export type Family = 'ipv4' | 'ipv6';

export interface AddressRange {
  readonly family: Family;
  readonly first: bigint;
  readonly last: bigint;
  /** As written: "10.0.1.4/32", "10.0.1.0/24", "2600:1f18::/56". */
  readonly text: string;
}

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseIpv6(s: string): bigint | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  let n = 0n;
  for (const g of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

/** "10.0.0.0/16", "10.0.1.4" (a /32), "::/0", "2600:1f18::5" (a /128); undefined when malformed. */
export function parseRange(text: string): AddressRange | undefined {
  const [addr, lenText] = text.trim().split('/');
  const family: Family = addr.includes(':') ? 'ipv6' : 'ipv4';
  const bits = family === 'ipv4' ? 32 : 128;
  const value = family === 'ipv4' ? parseIpv4(addr) : parseIpv6(addr);
  const len = lenText === undefined ? bits : Number(lenText);
  if (value === undefined || !Number.isInteger(len) || len < 0 || len > bits) return undefined;
  const hostBits = BigInt(bits - len);
  const first = (value >> hostBits) << hostBits;
  return { family, first, last: first + (1n << hostBits) - 1n, text: lenText === undefined ? `${addr}/${bits}` : text.trim() };
}

/** all: the block holds every address of the side; some: it may or may not (only the subnet is known); none. */
export type Coverage = 'all' | 'some' | 'none';

export function coverage(block: AddressRange | undefined, side: AddressRange): Coverage {
  if (!block || block.family !== side.family) return 'none';
  if (block.first <= side.first && side.last <= block.last) return 'all';
  if (block.last < side.first || side.last < block.first) return 'none';
  return 'some';
}

export function prefixLength(r: AddressRange): number {
  const size = r.last - r.first + 1n;
  const bits = r.family === 'ipv4' ? 32 : 128;
  return bits - (size.toString(2).length - 1);
}
