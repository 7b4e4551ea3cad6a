// A real OpenID Connect provider (the oidc-provider package) for tests, in a process of its own: the
// package is an ES module that Jest's CommonJS runtime cannot load. Started by oidc-provider.ts with
// one JSON argument {clientId, clientSecret, redirectUri, accounts}; listens on a free port of
// 127.0.0.1 and prints `listening <issuer>` once it answers. devInteractions serve the login and
// consent forms; any password is accepted for a login listed in `accounts`.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const { clientId, clientSecret, redirectUri, accounts, conformIdTokenClaims = true } = JSON.parse(process.argv[2]);

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  claims: { openid: ['sub', 'custody_tenant', 'custody_role'], profile: ['name'], email: ['email'] },
  // false: the tenant and role claims ride the ID token; true (the default): only userinfo has them
  conformIdTokenClaims,
  pkce: { required: () => true },
  cookies: { keys: ['custody-test-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    if (!Object.hasOwn(accounts, id)) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) };
  },
});
// the quick-start warnings (dev keys, devInteractions) are expected here
provider.on('server_error', (_ctx, err) => process.stderr.write(`oidc-provider server_error: ${err.stack}\n`));
server.on('request', provider.callback());
process.stdout.write(`listening ${issuer}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
