// A Graph access token for a sim tenant's scanning app, through the real @azure/identity client-secret flow.
import { ClientSecretCredential } from '@azure/identity';
import type { SimHandle } from '../../sim/index';

export async function graphTokenFor(sim: SimHandle, tenantName: string, ca: string): Promise<string> {
  const tenant = sim.ready.tenants.find((candidate) => candidate.name === tenantName);
  if (!tenant) throw new Error(`No sim tenant named ${tenantName}`);
  const secret = sim.keyVaultItemValue(`crw-${tenantName}-secret`);
  if (!secret)
    throw new Error(
      `Key Vault item crw-${tenantName}-secret is missing (tenant credential must be 'secret')`,
    );
  const credential = new ClientSecretCredential(tenant.tenantId, tenant.clientId, secret, {
    authorityHost: sim.ready.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca },
  });
  return (await credential.getToken('https://graph.microsoft.com/.default')).token;
}
