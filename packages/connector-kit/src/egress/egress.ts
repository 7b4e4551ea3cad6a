import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, fetch, type Response } from 'undici';
import { DependencyUnavailableError, RejectedInputError } from '@custody/errors';
import { forbiddenAddressReason } from './address';

export type { Response as VendorResponse } from 'undici';

/** A fetch the egress rules refuse: never retried, dead-lettered with the reason. */
export class EgressRefusedError extends RejectedInputError {
  constructor(message: string) {
    super('egress_refused', message);
  }
}

export interface EgressPolicy {
  /** Names the vendor in errors. */
  vendor: string;
  /** Hosts the vendor documents: exact names, or "*.example.com" for its subdomains. Reached over https on port 443 only. */
  hosts: readonly string[];
  /**
   * Origins the operator set (CUSTODY_VENDOR_BASE_URLS): allowed as they are, http and loopback
   * included, because the operator, not a tenant or a vendor payload, chose them (a local fake vendor in tests).
   */
  trustedOrigins?: readonly string[];
  /** Redirects followed per fetch, each one checked like the first URL. */
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that carry the tenant's credentials: never sent to another origin than the one they were given for. */
const CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * The only way media fetchers reach the network. Every URL, the first and each redirect target
 * (followed by hand, bounded), must be https to an allow-listed host (or the operator's trusted
 * origin); every address the host name resolves to must be public (checked in the socket's own DNS
 * lookup, so the address connected to is the address checked: DNS rebinding cannot swap it).
 */
export class Egress {
  private readonly agent: Agent;
  private readonly trusted: Set<string>;

  constructor(
    private readonly policy: EgressPolicy,
    resolve: LookupFunction = dnsLookup,
  ) {
    const trusted = (policy.trustedOrigins ?? []).map((o) => new URL(o));
    this.trusted = new Set(trusted.map((u) => u.origin));
    const trustedHosts = new Set(trusted.map((u) => u.hostname));
    const checkedLookup: LookupFunction = (hostname, options, callback) => {
      resolve(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, '', 0);
        const all = addresses as unknown as LookupAddress[];
        if (!trustedHosts.has(hostname)) {
          for (const a of all) {
            const reason = forbiddenAddressReason(a.address);
            if (reason) return callback(new EgressRefusedError(`${policy.vendor}: ${hostname} resolves to a ${reason} address`), '', 0);
          }
        }
        if (all.length === 0) return callback(Object.assign(new Error(`${hostname}: no addresses`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, all);
        else callback(null, all[0].address, all[0].family);
      });
    };
    // timeouts bound how long one unresponsive vendor can hold a fetch (and so a media batch)
    this.agent = new Agent({ connect: { lookup: checkedLookup, timeout: 10_000 }, headersTimeout: 30_000, bodyTimeout: 60_000 });
  }

  /** Why `url` may not be fetched, or undefined when it may. */
  refusal(url: URL): string | undefined {
    if (this.trusted.has(url.origin)) return undefined;
    if (url.protocol !== 'https:') return `${url.protocol} is not https`;
    if (url.username || url.password) return 'credentials in the URL';
    if (url.port !== '') return `port ${url.port} is not 443`;
    const host = url.hostname.toLowerCase().replace(/\.$/, '');
    // the URL parser already turned decimal, octal and hex IPv4 forms into dotted quads
    const literal = host.replace(/^\[|\]$/g, '');
    if (isIP(literal)) {
      const reason = forbiddenAddressReason(literal);
      return reason ? `${literal} is a ${reason} address` : `${literal} is not an allowed ${this.policy.vendor} host`;
    }
    const allowed = this.policy.hosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) && host.length > h.length - 1 : host === h));
    return allowed ? undefined : `${host} is not an allowed ${this.policy.vendor} host`;
  }

  /**
   * GET with the egress rules; any status comes back. Network failures are outages
   * (DependencyUnavailableError); refused URLs or addresses are EgressRefusedError. `what` names
   * the request in errors and must not contain credentials; URLs in errors are reduced to their origin.
   */
  async fetch(target: string | URL, what: string, headers: Record<string, string> = {}): Promise<Response> {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new EgressRefusedError(`${this.policy.vendor}: ${what}: not a URL`);
    }
    const firstOrigin = url.origin;
    const max = this.policy.maxRedirects ?? 5;
    for (let hop = 0; ; hop++) {
      const refused = this.refusal(url);
      if (refused) throw new EgressRefusedError(`${this.policy.vendor}: ${what}: refused ${hop ? 'redirect to ' : ''}${url.origin}: ${refused}`);
      const send = url.origin === firstOrigin ? headers : Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIALS.includes(k.toLowerCase())));
      let res: Response;
      try {
        res = await fetch(url, { headers: send, redirect: 'manual', dispatcher: this.agent });
      } catch (err) {
        const cause = (err as { cause?: unknown }).cause;
        if (cause instanceof EgressRefusedError) throw new EgressRefusedError(`${cause.message} (${what})`);
        const code = (cause as { code?: string } | undefined)?.code;
        throw new DependencyUnavailableError(this.policy.vendor, `${what}: ${code ?? 'network error'}`);
      }
      if (!REDIRECTS.has(res.status)) return res;
      await res.body?.cancel().catch(() => undefined);
      const location = res.headers.get('location');
      if (!location) throw new EgressRefusedError(`${this.policy.vendor}: ${what}: HTTP ${res.status} without a Location`);
      if (hop >= max) throw new EgressRefusedError(`${this.policy.vendor}: ${what}: more than ${max} redirects`);
      try {
        url = new URL(location, url);
      } catch {
        throw new EgressRefusedError(`${this.policy.vendor}: ${what}: redirect to something that is not a URL`);
      }
    }
  }

  /**
   * GET for media downloads: 429 and 5xx are outages (retried by the media service); any other
   * non-2xx is the vendor refusing (dead-lettered with the reason).
   */
  async get(url: string | URL, what: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await this.fetch(url, what, headers);
    if (res.ok) return res;
    await res.body?.cancel().catch(() => undefined);
    if (res.status === 429 || res.status >= 500) throw new DependencyUnavailableError(this.policy.vendor, `${what}: HTTP ${res.status}`);
    throw new RejectedInputError('media_unavailable', `${this.policy.vendor}: ${what}: HTTP ${res.status}`, res.status);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
