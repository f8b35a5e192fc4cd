import { isIP } from 'node:net';

/**
 * Classifies network addresses for outbound webhooks: an endpoint the team configures must not
 * reach the server's own machine or network (loopback, private, link-local, shared or
 * unspecified addresses), or a webhook URL becomes a way to probe internal services.
 */

type Range = readonly [base: number, prefixBits: number];

const ipv4 = (a: number, b: number, c: number, d: number): number => ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;

/** IPv4 ranges no webhook may reach. */
const NON_PUBLIC_V4: readonly Range[] = [
  [ipv4(0, 0, 0, 0), 8], // "this network", including the unspecified 0.0.0.0
  [ipv4(10, 0, 0, 0), 8],
  [ipv4(100, 64, 0, 0), 10], // carrier-grade NAT, shared address space
  [ipv4(127, 0, 0, 0), 8],
  [ipv4(169, 254, 0, 0), 16], // link-local, including cloud metadata services
  [ipv4(172, 16, 0, 0), 12],
  [ipv4(192, 0, 0, 0), 24], // IETF protocol assignments
  [ipv4(192, 168, 0, 0), 16],
  [ipv4(198, 18, 0, 0), 15], // network benchmarking
  [ipv4(224, 0, 0, 0), 4], // multicast
  [ipv4(240, 0, 0, 0), 4], // reserved, and the broadcast address
];

function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

function inV4Range(address: number, [base, bits]: Range): boolean {
  const size = 2 ** (32 - bits);
  return address >= base && address < base + size;
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail allowed), or null. */
function parseIpv6(text: string): number[] | null {
  let hex = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // The dotted tail is the last two groups, written another way.
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    hex = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (s: string): number[] | null => {
    if (s === '') return [];
    const groups = s.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
    return groups.some(Number.isNaN) ? null : groups;
  };
  const head = groupsOf(halves[0]);
  const back = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (head === null || back === null) return null;
  const known = head.length + back.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  return [...head, ...new Array<number>(8 - known).fill(0), ...back];
}

function isNonPublicV6(groups: readonly number[]): boolean {
  const allZeroBefore = (n: number) => groups.slice(0, n).every((g) => g === 0);
  const embeddedV4 = (groups[6] << 16) + groups[7];
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) reach the IPv4 address they carry.
  if (allZeroBefore(5) && groups[5] === 0xffff) return isNonPublicV4(embeddedV4 >>> 0);
  // :: and ::1 land in 0.0.0.0/8 this way, as they should.
  if (allZeroBefore(6)) return isNonPublicV4(embeddedV4 >>> 0);
  // 64:ff9b::/96 translates to the IPv4 address it carries.
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) return isNonPublicV4(embeddedV4 >>> 0);
  const first = groups[0];
  return (first & 0xfe00) === 0xfc00 // unique local fc00::/7
    || (first & 0xffc0) === 0xfe80 // link-local fe80::/10
    || (first & 0xffc0) === 0xfec0 // deprecated site-local fec0::/10
    || (first & 0xff00) === 0xff00; // multicast
}

const isNonPublicV4 = (address: number): boolean => NON_PUBLIC_V4.some((range) => inV4Range(address, range));

/**
 * True for an IP address (v4 or v6, brackets and a zone id allowed) that is loopback, private,
 * link-local, shared (CGNAT), unspecified, multicast or reserved, in any notation that reaches
 * such an address (IPv4-mapped IPv6 included). False for public addresses and for non-addresses.
 */
export function isNonPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return isNonPublicV4(parseIpv4(bare) ?? 0);
  if (family === 6) {
    const groups = parseIpv6(bare);
    return groups === null ? true : isNonPublicV6(groups);
  }
  return false;
}

/** True for `localhost`, names under it, and the same written with a trailing dot. */
export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Why a URL's host may not be a webhook endpoint, or null. Names other than `localhost` are not
 * resolved here: they are checked when each delivery connects.
 */
export function nonPublicHostProblem(hostname: string): string | null {
  if (isLocalhostName(hostname)) return `"${hostname}" is this server's own machine`;
  if (isIP(hostname.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '')) !== 0 && isNonPublicAddress(hostname)) {
    return `${hostname} is a loopback, private, link-local or otherwise non-public address`;
  }
  return null;
}
