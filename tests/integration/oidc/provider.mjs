// A real OpenID Connect provider (npm's oidc-provider) for tests/integration/test_sso.py. Test data only.
//
// Listens on 127.0.0.1:OIDC_PORT with one confidential client (OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, whose only
// redirect URI is OIDC_REDIRECT_URI) and the accounts of OIDC_ACCOUNTS, a JSON object
// {"<login>": {"email": ..., "email_verified": ..., "name": ...}}. The sign-in page is oidc-provider's development
// form (any password), consent is given by itself, and PKCE is required so the test proves the app sends it.
// Prints "ready <issuer>" once it listens; stops on SIGTERM.
import Provider from 'oidc-provider';

const required = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
};

const port = Number(required('OIDC_PORT'));
const issuer = `http://127.0.0.1:${port}`;
const clientId = required('OIDC_CLIENT_ID');
const accounts = JSON.parse(required('OIDC_ACCOUNTS'));

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: required('OIDC_CLIENT_SECRET'),
      redirect_uris: [required('OIDC_REDIRECT_URI')],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['a-test-only-cookie-key'] },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
  // Consent without a page: the test's one client is granted what it asks for.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);
const server = provider.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
