import { loadConfig } from '@custody/config';
import { ConfigError } from '@custody/errors';
import { OIDC_PENDING_MS, OidcRefusal, PendingLogins, bindingCookie, bindingSetCookie, oidcKeyId, oidcSettings, principalOfClaims, safeReturnTo } from './oidc';

const ISSUER = 'https://login.example.com/tenant-1';
const SETTINGS = { issuer: ISSUER, tenantClaim: 'custody_tenant', roleClaim: 'custody_role' };

function refusal(fn: () => unknown): OidcRefusal {
  try {
    fn();
  } catch (err) {
    if (err instanceof OidcRefusal) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('principalOfClaims', () => {
  test('the tenant and the one Custody role the claims name; the actor id names the issuer host and the subject', () => {
    expect(principalOfClaims(SETTINGS, { sub: 'u-1', custody_tenant: 'acme', custody_role: 'legal' })).toEqual({
      keyId: 'oidc:login.example.com:u-1',
      tenant: 'acme',
      role: 'legal',
    });
  });

  test('the employee claim names the directory employee of a reviewer; a value that is not an employee id is left out', () => {
    const settings = { ...SETTINGS, employeeClaim: 'custody_employee' };
    const claims = { sub: 'u-2', custody_tenant: 'acme', custody_role: 'reviewer' };
    expect(principalOfClaims(settings, { ...claims, custody_employee: 'rita' })).toMatchObject({ role: 'reviewer', employeeId: 'rita' });
    expect(principalOfClaims(settings, { ...claims, custody_employee: 'a/b' })).not.toHaveProperty('employeeId');
    expect(principalOfClaims(settings, { ...claims, custody_employee: ['rita'] })).not.toHaveProperty('employeeId');
  });

  test('a role claim may be an array: values that are not Custody roles are ignored, a repeated role counts once', () => {
    expect(principalOfClaims(SETTINGS, { sub: 'u', custody_tenant: 'acme', custody_role: ['staff', 'auditor', 'auditor', 7] }).role).toBe('auditor');
  });

  test('no role, no Custody role, or several: refused, never guessed', () => {
    expect(refusal(() => principalOfClaims(SETTINGS, { sub: 'u', custody_tenant: 'acme' }))).toMatchObject({
      code: 'oidc_no_role',
      reason: 'no custody_role claim',
      keyId: 'oidc:login.example.com:u',
    });
    expect(refusal(() => principalOfClaims(SETTINGS, { sub: 'u', custody_tenant: 'acme', custody_role: ['staff'] }))).toMatchObject({
      code: 'oidc_no_role',
      reason: 'the custody_role claim names no Custody role',
    });
    expect(refusal(() => principalOfClaims(SETTINGS, { sub: 'u', custody_tenant: 'acme', custody_role: { admin: true } })).code).toBe('oidc_no_role');
    expect(refusal(() => principalOfClaims(SETTINGS, { sub: 'u', custody_tenant: 'acme', custody_role: ['admin', 'legal'] }))).toMatchObject({
      code: 'oidc_ambiguous_role',
      reason: 'the custody_role claim names several Custody roles (admin, legal): it must name one',
    });
    // the role name exactly: no case folding, no splitting
    expect(refusal(() => principalOfClaims(SETTINGS, { sub: 'u', custody_tenant: 'acme', custody_role: 'Admin' })).code).toBe('oidc_no_role');
    expect(refusal(() => principalOfClaims(SETTINGS, { sub: 'u', custody_tenant: 'acme', custody_role: 'admin legal' })).code).toBe('oidc_no_role');
  });

  test('the tenant must be a tenant id of the envelope grammar', () => {
    for (const tenant of ['ACME', 'acme corp', '-acme', '_system', '', 'a'.repeat(64), 42, ['acme']])
      expect(refusal(() => principalOfClaims(SETTINGS, { sub: 'u', custody_tenant: tenant, custody_role: 'admin' })).code).toBe('oidc_no_tenant');
    expect(refusal(() => principalOfClaims(SETTINGS, { sub: 'u', custody_role: 'admin' }))).toMatchObject({
      code: 'oidc_no_tenant',
      reason: 'no custody_tenant claim',
    });
    expect(principalOfClaims(SETTINGS, { sub: 'u', custody_tenant: 'a'.repeat(63), custody_role: 'admin' }).tenant).toBe('a'.repeat(63));
  });

  test('a fixed tenant maps everyone to it and ignores the tenant claim', () => {
    const fixed = { ...SETTINGS, fixedTenant: 'solo' };
    expect(principalOfClaims(fixed, { sub: 'u', custody_role: 'admin' }).tenant).toBe('solo');
    expect(principalOfClaims(fixed, { sub: 'u', custody_tenant: 'other', custody_role: 'admin' }).tenant).toBe('solo');
  });

  test('the claim names are configurable', () => {
    const custom = { issuer: ISSUER, tenantClaim: 'https://custody/tenant', roleClaim: 'groups' };
    expect(principalOfClaims(custom, { sub: 'u', 'https://custody/tenant': 'acme', groups: ['all-staff', 'compliance'] })).toMatchObject({
      tenant: 'acme',
      role: 'compliance',
    });
  });

  test('no subject: refused', () => {
    expect(refusal(() => principalOfClaims(SETTINGS, { custody_tenant: 'acme', custody_role: 'admin' })).code).toBe('oidc_failed');
  });
});

describe('oidcKeyId', () => {
  test('oidc:<host>:<sub>, or a hash of a subject that would not fit or print', () => {
    expect(oidcKeyId('https://idp.example.com:8443/realms/x', 'abc')).toBe('oidc:idp.example.com:8443:abc');
    expect(oidcKeyId(ISSUER, 'x'.repeat(200))).toMatch(/^oidc:login\.example\.com:sha256-[0-9a-f]{40}$/);
    expect(oidcKeyId(ISSUER, 'with space')).toMatch(/^oidc:login\.example\.com:sha256-[0-9a-f]{40}$/);
    expect(oidcKeyId(ISSUER, 'with space')).toBe(oidcKeyId(ISSUER, 'with space'));
  });
});

describe('safeReturnTo', () => {
  test.each([
    ['/search', '/search'],
    ['/records/a%2Fb?x=1', '/records/a%2Fb?x=1'],
    ['/a/../b', '/b'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['\\\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['search', '/'],
    ['', '/'],
    ['/x\ny', '/'],
    ['/ space', '/'],
    [undefined, '/'],
    ['/' + 'a'.repeat(600), '/'],
  ])('%j → %s', (value, expected) => {
    expect(safeReturnTo(value)).toBe(expected);
  });
});

describe('PendingLogins', () => {
  const login = (createdAt: number) => ({ codeVerifier: 'v', nonce: 'n', returnTo: '/', bindingSha256: 'h', createdAt });

  test('taken once; forgotten after 10 minutes', () => {
    const clock = { now: 1_000_000 };
    const pending = new PendingLogins(() => clock.now);
    pending.add('s1', login(clock.now));
    pending.add('s2', login(clock.now));
    expect(pending.take('s1')).toMatchObject({ codeVerifier: 'v' });
    expect(pending.take('s1')).toBeUndefined();
    clock.now += OIDC_PENDING_MS;
    expect(pending.take('s2')).toBeUndefined();
    expect(pending.take('nope')).toBeUndefined();
  });

  test('bounded: the oldest is forgotten past the limit, and expired ones go first', () => {
    const clock = { now: 1_000_000 };
    const pending = new PendingLogins(() => clock.now, 3);
    for (const s of ['a', 'b', 'c', 'd']) pending.add(s, login(clock.now));
    expect(pending.size).toBe(3);
    expect(pending.take('a')).toBeUndefined();
    expect(pending.take('d')).toBeDefined();
    clock.now += OIDC_PENDING_MS;
    pending.add('e', login(clock.now));
    expect(pending.size).toBe(1);
  });
});

describe('binding cookie', () => {
  const value = 'A'.repeat(43);
  test('read strictly: one well-formed value, else none', () => {
    expect(bindingCookie(`x=1; custody_oidc=${value}; custody_session=abc`)).toBe(value);
    expect(bindingCookie(undefined)).toBeUndefined();
    expect(bindingCookie('custody_oidc=short')).toBeUndefined();
    expect(bindingCookie(`custody_oidc=${value}; custody_oidc=${value}`)).toBeUndefined();
    expect(bindingCookie(`not_custody_oidc=${value}`)).toBeUndefined();
  });
  test('HttpOnly, SameSite=Lax (the provider redirects back cross-site), the OIDC routes only, 10 minutes; Secure on https', () => {
    expect(bindingSetCookie(value, false)).toBe(`custody_oidc=${value}; HttpOnly; SameSite=Lax; Path=/v1/session/oidc; Max-Age=600`);
    expect(bindingSetCookie(value, true)).toBe(`custody_oidc=${value}; HttpOnly; SameSite=Lax; Path=/v1/session/oidc; Max-Age=600; Secure`);
  });
});

describe('OIDC configuration', () => {
  const base = { CUSTODY_OIDC_ISSUER: 'https://login.example.com', CUSTODY_OIDC_CLIENT_ID: 'custody', CUSTODY_PUBLIC_URL: 'https://custody.example.com/' };
  const configError = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('accepted');
  };

  test('off unless the issuer is set; the defaults', () => {
    expect(oidcSettings(loadConfig({}))).toBeUndefined();
    expect(oidcSettings(loadConfig(base))).toEqual({
      issuer: 'https://login.example.com',
      clientId: 'custody',
      clientSecret: undefined,
      scopes: 'openid profile email',
      tenantClaim: 'custody_tenant',
      roleClaim: 'custody_role',
      employeeClaim: 'custody_employee',
      fixedTenant: undefined,
      redirectUri: 'https://custody.example.com/v1/session/oidc/callback',
      name: 'login.example.com',
    });
    expect(oidcSettings(loadConfig({ ...base, CUSTODY_OIDC_NAME: 'Example SSO', CUSTODY_OIDC_FIXED_TENANT: 'acme' }))).toMatchObject({
      name: 'Example SSO',
      fixedTenant: 'acme',
    });
  });

  test('the issuer is https, or http on this host only', () => {
    expect(configError({ ...base, CUSTODY_OIDC_ISSUER: 'http://login.example.com' })).toContain(
      'CUSTODY_OIDC_ISSUER: must be https (http only on 127.0.0.1 or localhost)',
    );
    expect(configError({ ...base, CUSTODY_OIDC_ISSUER: 'ftp://login.example.com' })).toContain('CUSTODY_OIDC_ISSUER');
    for (const local of ['http://127.0.0.1:9000', 'http://localhost:9000/realms/x'])
      expect(oidcSettings(loadConfig({ ...base, CUSTODY_OIDC_ISSUER: local }))?.issuer).toBe(local);
  });

  test('the client id and the public URL are required with it; its other keys make no sense without it', () => {
    const { CUSTODY_OIDC_CLIENT_ID: _id, CUSTODY_PUBLIC_URL: _url, ...issuerOnly } = base;
    const message = configError(issuerOnly);
    expect(message).toContain('CUSTODY_OIDC_CLIENT_ID: required with CUSTODY_OIDC_ISSUER');
    expect(message).toContain('CUSTODY_PUBLIC_URL: required with CUSTODY_OIDC_ISSUER');
    expect(configError({ CUSTODY_OIDC_CLIENT_ID: 'custody' })).toContain('CUSTODY_OIDC_CLIENT_ID: set without CUSTODY_OIDC_ISSUER');
  });

  test('scopes must include openid; claim names and the fixed tenant are checked', () => {
    expect(configError({ ...base, CUSTODY_OIDC_SCOPES: 'profile email' })).toContain('CUSTODY_OIDC_SCOPES: must include openid');
    expect(configError({ ...base, CUSTODY_OIDC_ROLE_CLAIM: 'has space' })).toContain('CUSTODY_OIDC_ROLE_CLAIM: a claim name');
    expect(configError({ ...base, CUSTODY_OIDC_FIXED_TENANT: 'Not A Tenant' })).toContain('CUSTODY_OIDC_FIXED_TENANT');
  });

  test('an invalid setting never shows the client secret', () => {
    const secret = 'top-secret-client-secret-value';
    const message = configError({ ...base, CUSTODY_OIDC_CLIENT_SECRET: secret, CUSTODY_OIDC_ISSUER: 'http://login.example.com' });
    expect(message).not.toContain(secret);
  });
});
