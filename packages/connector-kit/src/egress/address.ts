import { isIP } from 'node:net';

/**
 * Addresses an outbound vendor fetch may never reach: anything that is not a public unicast
 * address. Checked on every address DNS returns (and on IP literals), so a vendor-supplied or
 * rebinding host name cannot point the fetcher at this host, the firm's network or a cloud
 * metadata service.
 */
const V4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // includes the metadata service 169.254.169.254
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes 255.255.255.255
];

/** [prefix as 8 hextets, prefix length, name]; ranges that embed an IPv4 address are handled apart. */
const V6: Array<[number[], number, string]> = [
  [[0, 0, 0, 0, 0, 0, 0, 0], 128, 'unspecified'],
  [[0, 0, 0, 0, 0, 0, 0, 1], 128, 'loopback'],
  [[0, 0, 0, 0, 0, 0, 0, 0], 96, 'IPv4-compatible'],
  [[0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, 'local NAT64'],
  [[0x100, 0, 0, 0, 0, 0, 0, 0], 64, 'discard-only'],
  [[0x2001, 0, 0, 0, 0, 0, 0, 0], 32, 'Teredo'],
  [[0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32, 'documentation'],
  [[0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, 'unique local'], // includes the metadata service fd00:ec2::254
  [[0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, 'link-local'],
  [[0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, 'site-local'],
  [[0xff00, 0, 0, 0, 0, 0, 0, 0], 8, 'multicast'],
];

function v4Number(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function inV4(n: number, base: string, bits: number): boolean {
  const size = 2 ** (32 - bits);
  return Math.floor(n / size) === Math.floor(v4Number(base) / size);
}

function v4Reason(ip: string): string | undefined {
  const n = v4Number(ip);
  return V4.find(([base, bits]) => inV4(n, base, bits))?.[2];
}

/** 8 hextets of an IPv6 address in any valid notation (compressed, with a dotted IPv4 tail). */
function hextets(ip: string): number[] {
  let text = ip;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4Number(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((h) => parseInt(h, 16));
}

function inV6(h: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((h[i] & mask) !== (prefix[i] & mask)) return false;
  }
  return true;
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/**
 * Why `ip` must not be contacted ("loopback", "private", …), or undefined for a public unicast
 * address. Anything that is not a plain IP address (a zone id, garbage) is refused too.
 */
export function forbiddenAddressReason(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 4) return v4Reason(ip);
  if (family !== 6 || ip.includes('%')) return 'not a plain IP address';
  const h = hextets(ip);
  // forms that carry an IPv4 address are judged by that address: ::ffff:127.0.0.1 is loopback
  if (inV6(h, [0, 0, 0, 0, 0, 0xffff, 0, 0], 96)) return v4Reason(v4Of(h[6], h[7]));
  if (inV6(h, [0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96)) return v4Reason(v4Of(h[6], h[7]));
  if (inV6(h, [0x2002, 0, 0, 0, 0, 0, 0, 0], 16)) return v4Reason(v4Of(h[1], h[2]));
  return V6.find(([prefix, bits]) => inV6(h, prefix, bits))?.[2];
}
