import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { DependencyUnavailableError } from '@custody/errors';
import { forbiddenAddressReason } from './address';
import { Egress, EgressRefusedError } from './egress';

describe('forbiddenAddressReason', () => {
  test.each([
    ['0.0.0.0', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique local'],
    ['fd00:ec2::254', 'unique local'],
    ['ff02::1', 'multicast'],
    // IPv6 forms that carry an IPv4 address are judged by it
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['0:0:0:0:0:ffff:10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
    ['::127.0.0.1', 'IPv4-compatible'],
    ['fe80::1%eth0', 'not a plain IP address'],
    ['localhost', 'not a plain IP address'],
  ])('%s is %s', (ip, reason) => {
    expect(forbiddenAddressReason(ip)).toBe(reason);
  });

  test.each(['8.8.8.8', '157.240.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a03:2880:f003:c07:face:b00c::2', '::ffff:8.8.8.8'])(
    '%s is public',
    (ip) => {
      expect(forbiddenAddressReason(ip)).toBeUndefined();
    },
  );
});

describe('Egress.refusal (before any connection)', () => {
  const egress = new Egress({ vendor: 'v', hosts: ['api.vendor.example', '*.cdn.example'] });
  afterAll(() => egress.close());

  test('only https to an allow-listed host on port 443', () => {
    expect(egress.refusal(new URL('https://api.vendor.example/x'))).toBeUndefined();
    expect(egress.refusal(new URL('https://API.Vendor.Example./x'))).toBeUndefined();
    expect(egress.refusal(new URL('https://a.b.cdn.example/x'))).toBeUndefined();
    expect(egress.refusal(new URL('https://cdn.example/x'))).toMatch(/not an allowed v host/);
    expect(egress.refusal(new URL('https://evilcdn.example/x'))).toMatch(/not an allowed v host/);
    expect(egress.refusal(new URL('https://api.vendor.example.evil.test/x'))).toMatch(/not an allowed v host/);
    expect(egress.refusal(new URL('http://api.vendor.example/x'))).toBe('http: is not https');
    expect(egress.refusal(new URL('https://api.vendor.example:8443/x'))).toBe('port 8443 is not 443');
    expect(egress.refusal(new URL('https://u:p@api.vendor.example/x'))).toBe('credentials in the URL');
  });

  test('IP literals in every notation the URL parser accepts are judged by their address', () => {
    expect(egress.refusal(new URL('https://2130706433/'))).toBe('127.0.0.1 is a loopback address'); // decimal
    expect(egress.refusal(new URL('https://0177.0.0.1/'))).toBe('127.0.0.1 is a loopback address'); // octal
    expect(egress.refusal(new URL('https://0x7f.1/'))).toBe('127.0.0.1 is a loopback address'); // hex, short form
    expect(egress.refusal(new URL('https://0xa9fea9fe/'))).toBe('169.254.169.254 is a link-local address');
    expect(egress.refusal(new URL('https://[::ffff:169.254.169.254]/'))).toBe('::ffff:a9fe:a9fe is a link-local address');
    expect(egress.refusal(new URL('https://[fd00:ec2::254]/'))).toBe('fd00:ec2::254 is a unique local address');
    expect(egress.refusal(new URL('https://8.8.8.8/'))).toBe('8.8.8.8 is not an allowed v host');
  });
});

/** A local HTTP server that counts what reached it. */
async function server(
  handler: (path: string, port: number) => { status: number; headers?: Record<string, string>; body?: string },
): Promise<{ url: string; port: number; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const s: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const out = handler(req.url ?? '', (s.address() as AddressInfo).port);
    res.writeHead(out.status, out.headers);
    res.end(out.body ?? '');
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () =>
      new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  };
}

const resolveTo =
  (addresses: string[]): LookupFunction =>
  (_host: string, _opts: unknown, cb: (e: null, a: Array<{ address: string; family: number }>) => void) =>
    cb(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );

describe('Egress.fetch', () => {
  let target: Awaited<ReturnType<typeof server>>;
  beforeEach(async () => {
    target = await server(() => ({ status: 200, body: 'internal secret' }));
  });
  afterEach(() => target.close());

  test('an allow-listed name that resolves to loopback is refused at connect: nothing reaches the address', async () => {
    const egress = new Egress({ vendor: 'v', hosts: ['api.vendor.example'] }, resolveTo(['127.0.0.1']));
    const err = await egress.fetch(`https://api.vendor.example:443/x`, 'media 1').catch((e) => e);
    expect(err).toBeInstanceOf(EgressRefusedError);
    expect(err.message).toBe('v: api.vendor.example resolves to a loopback address (media 1)');
    await egress.close();
  });

  test('every address DNS returns is checked, not just the first (a rebinding answer mixing public and private)', async () => {
    const egress = new Egress({ vendor: 'v', hosts: ['api.vendor.example'] }, resolveTo(['8.8.8.8', '10.0.0.5']));
    await expect(egress.fetch('https://api.vendor.example/x', 'm')).rejects.toThrow('resolves to a private address');
    await egress.close();
  });

  test("the operator's trusted origin is reached over http on loopback; other ports on the same host are not", async () => {
    const egress = new Egress({ vendor: 'v', hosts: [], trustedOrigins: [target.url] });
    const res = await egress.fetch(`${target.url}/ok`, 'm');
    expect(await res.text()).toBe('internal secret');
    const other = await server(() => ({ status: 200 }));
    await expect(egress.fetch(`${other.url}/x`, 'm')).rejects.toBeInstanceOf(EgressRefusedError);
    expect(other.hits).toEqual([]);
    await other.close();
    await egress.close();
  });

  test('a trusted host name is resolved and connected through the checked lookup', async () => {
    const egress = new Egress({ vendor: 'v', hosts: [], trustedOrigins: [`http://fake-vendor.test:${target.port}`] }, resolveTo(['127.0.0.1']));
    expect((await egress.fetch(`http://fake-vendor.test:${target.port}/ok`, 'm')).status).toBe(200);
    await egress.close();
  });

  test('redirects are re-checked on every hop: to another loopback port, to the metadata address, to http, and beyond the hop limit', async () => {
    const internal = await server(() => ({ status: 200, body: 'internal' }));
    const redirector = await server((path, port) => {
      if (path === '/to-internal') return { status: 302, headers: { location: `${internal.url}/admin` } };
      if (path === '/to-metadata') return { status: 307, headers: { location: 'http://169.254.169.254/latest/meta-data/' } };
      if (path === '/to-decimal') return { status: 301, headers: { location: 'https://2130706433/' } };
      if (path === '/to-http') return { status: 302, headers: { location: 'http://api.vendor.example/file' } };
      if (path === '/same') return { status: 302, headers: { location: '/final' } };
      if (path === '/final') return { status: 200, body: 'final' };
      const n = Number(path.slice('/loop'.length));
      return { status: 302, headers: { location: `http://127.0.0.1:${port}/loop${n + 1}` } };
    });
    const egress = new Egress({ vendor: 'v', hosts: ['api.vendor.example'], trustedOrigins: [redirector.url], maxRedirects: 3 });
    await expect(egress.fetch(`${redirector.url}/to-internal`, 'm')).rejects.toThrow(`refused redirect to ${internal.url}: http: is not https`);
    await expect(egress.fetch(`${redirector.url}/to-metadata`, 'm')).rejects.toThrow('refused redirect to http://169.254.169.254: http: is not https');
    await expect(egress.fetch(`${redirector.url}/to-decimal`, 'm')).rejects.toThrow('127.0.0.1 is a loopback address');
    await expect(egress.fetch(`${redirector.url}/to-http`, 'm')).rejects.toThrow('http: is not https');
    await expect(egress.fetch(`${redirector.url}/loop0`, 'm')).rejects.toThrow('more than 3 redirects');
    expect(await (await egress.fetch(`${redirector.url}/same`, 'm')).text()).toBe('final');
    expect(internal.hits).toEqual([]);
    await Promise.all([internal.close(), redirector.close(), egress.close()]);
  });

  test('get: 5xx and 429 are outages, other 4xx are refusals, network errors are outages', async () => {
    const vendor = await server((path) => ({ status: Number(path.slice(1)) }));
    const egress = new Egress({ vendor: 'v', hosts: [], trustedOrigins: [vendor.url] });
    await expect(egress.get(`${vendor.url}/500`, 'm')).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(egress.get(`${vendor.url}/429`, 'm')).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(egress.get(`${vendor.url}/404`, 'm')).rejects.toMatchObject({ code: 'media_unavailable', status: 404 });
    await vendor.close();
    await expect(egress.get(`${vendor.url}/200`, 'm')).rejects.toBeInstanceOf(DependencyUnavailableError);
    await egress.close();
  });
});
