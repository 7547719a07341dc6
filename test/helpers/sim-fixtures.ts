// Small stand-ins shared by the tests that call sim/ handlers directly (no server, no token service).
import { tenantIdentifiers } from '../../sim/tenant/ids';
import type { AccessTokenClaims, SimTenant } from '../../sim/types';

/** A tenant with the generator's ids for (name, seed) but no Graph of its own: enough for Exchange and mail. */
export function stubTenant(seed: number, users = 200): SimTenant {
  const name = `tenant${seed}`;
  const ids = tenantIdentifiers(name, seed);
  return {
    options: {
      name,
      seed,
      users,
      credential: 'secret',
      licences: { p1: true, p2: true },
      grantedPermissions: [],
    },
    tenantId: ids.tenantId,
    clientId: ids.clientId,
    domain: ids.domain,
    handleGraph: () => ({ status: 501 }),
  };
}

/** Claims of a Graph token for the tenant's scanning app, as the sim's token service would issue them. */
export function graphClaimsFor(tenant: SimTenant, roles: readonly string[]): AccessTokenClaims {
  return {
    aud: 'https://graph.microsoft.com',
    iss: `https://sts.windows.net/${tenant.tenantId}/`,
    tid: tenant.tenantId,
    appid: tenant.clientId,
    oid: '00000000-0000-4000-8000-000000000001',
    roles: [...roles],
    iat: 0,
    nbf: 0,
    exp: 4102444800,
  };
}
