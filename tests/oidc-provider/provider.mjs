// A real OpenID provider (panva's oidc-provider, OpenID Certified) on 127.0.0.1 for
// jwtguard's end-to-end tests (bindings-python/tests/test_oidc_provider.py).
//
//   node provider.mjs [PORT]      (or PORT=...; 0, the default, picks a free port)
//
// Once listening it prints one JSON line on stdout: the issuer, the port, the client's
// credentials and redirect URI, and one resource indicator per signing algorithm. Each
// resource server gets JWT access tokens (RFC 9068, typ at+jwt) signed with its
// algorithm. The signing keys (RSA, P-256, P-521, Ed25519) are generated at start.
// A login or consent interaction is completed at once for the account "user-1", so an
// authorization-code flow runs over plain HTTP redirects, with no page to fill in.
// The process exits when its standard input closes (the test that started it is gone)
// or on SIGTERM/SIGINT. oidc-provider 9 warns on Node.js 20 ("Unsupported runtime",
// it asks for 22 or later) and works there.

import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider from 'oidc-provider';

const ACCOUNT = 'user-1';
const CLIENT_ID = 'jwtguard-test-client';
const CLIENT_SECRET = crypto.randomBytes(32).toString('base64url');
const SCOPE = 'api:read';

// Signing algorithm -> resource indicator (also the access token's audience).
const RESOURCES = {
  RS256: 'urn:jwtguard:test:rs256',
  ES256: 'urn:jwtguard:test:es256',
  ES512: 'urn:jwtguard:test:es512',
  Ed25519: 'urn:jwtguard:test:ed25519',
  EdDSA: 'urn:jwtguard:test:eddsa',
};

function privateJwk(type, options) {
  const { privateKey } = crypto.generateKeyPairSync(type, options);
  return privateKey.export({ format: 'jwk' });
}

function signingKeys() {
  return [
    privateJwk('rsa', { modulusLength: 2048 }),
    privateJwk('ec', { namedCurve: 'P-256' }),
    privateJwk('ec', { namedCurve: 'P-521' }),
    privateJwk('ed25519'),
  ].map((jwk) => ({ ...jwk, use: 'sig' }));
}

const serverInfo = new Map(
  Object.entries(RESOURCES).map(([alg, resource]) => [
    resource,
    {
      audience: resource,
      scope: SCOPE,
      accessTokenFormat: 'jwt',
      accessTokenTTL: 600,
      jwt: { sign: { alg } },
    },
  ]),
);

function configuration(redirectUri) {
  return {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_types: ['authorization_code', 'client_credentials'],
        response_types: ['code'],
        redirect_uris: [redirectUri],
        scope: `openid ${SCOPE}`,
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'RS256',
      },
    ],
    jwks: { keys: signingKeys() },
    scopes: ['openid', SCOPE],
    claims: { openid: ['sub'] },
    pkce: { required: () => true },
    async findAccount(_ctx, id) {
      return { accountId: id, async claims() { return { sub: id }; } };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => undefined,
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx, resource) {
          const info = serverInfo.get(resource);
          if (!info) throw new Provider.errors.InvalidTarget();
          return info;
        },
      },
    },
  };
}

// Completes the interaction the provider redirected to: login as ACCOUNT, then consent
// to what the client asked for (openid and the requested resource's scope).
async function interact(provider, ctx) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params, session } = details;
  let result;
  if (prompt.name === 'login') {
    result = { login: { accountId: ACCOUNT } };
  } else if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    result = { consent: { grantId: await grant.save() } };
  } else {
    throw new Error(`unexpected prompt ${prompt.name}`);
  }
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

function main() {
  const requested = process.argv[2] ?? process.env.PORT ?? '0';
  const port = Number(requested);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`provider.mjs: not a port: ${requested}`);
    process.exit(2);
  }
  const server = http.createServer();
  server.listen(port, '127.0.0.1', () => {
    const { port: bound } = server.address();
    const issuer = `http://127.0.0.1:${bound}`;
    const redirectUri = `${issuer}/callback`;
    const provider = new Provider(issuer, configuration(redirectUri));
    provider.use(async (ctx, next) => {
      if (ctx.method === 'GET' && /^\/interaction\/[^/]+$/.test(ctx.path)) {
        await interact(provider, ctx);
      } else if (ctx.path === '/callback') {
        ctx.body = 'ok'; // the redirect URI: the test reads the code from its URL
      } else {
        await next();
      }
    });
    server.on('request', provider.callback());
    process.stdout.write(`${JSON.stringify({
      issuer,
      port: bound,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uri: redirectUri,
      scope: SCOPE,
      resources: RESOURCES,
    })}\n`);
  });
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main();
