import {
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import type { WorkerIdentityConfig } from '../config/schema';
import { WorkerIdentityError } from './errors';

/** How the worker authenticates to Key Vault (the `workerIdentity` section of the configuration). */
export type WorkerIdentitySettings = WorkerIdentityConfig;

export interface CloudAuthSettings {
  authorityHost: string;
  /** Trusted CAs (Node's roots plus the configured extra CA); undefined = Node's default trust store. */
  ca?: string[];
}

/**
 * The worker's own identity, used only to read tenant credentials from Key Vault. Managed identity is the
 * default: no secret exists anywhere (the endpoint comes from the platform: IDENTITY_ENDPOINT or IMDS). Every
 * type signs in at cloud.authorityHost and trusts cloud.ca, so sovereign clouds and sim/ share this code.
 * Environment variables are read from `env` (process.env by default); a missing one is a WorkerIdentityError
 * naming it, raised here rather than at the first Key Vault read.
 */
export function createWorkerCredential(
  identity: WorkerIdentitySettings,
  cloud: CloudAuthSettings,
  env: NodeJS.ProcessEnv = process.env,
): TokenCredential {
  const tls = cloud.ca ? { tlsOptions: { ca: cloud.ca } } : {};
  // The authority is configured explicitly (sovereign clouds, sim/): no call to the public discovery service.
  const common = { authorityHost: cloud.authorityHost, disableInstanceDiscovery: true, ...tls };
  switch (identity.type) {
    case 'managedIdentity':
      return new ManagedIdentityCredential({
        ...tls,
        ...(identity.clientId ? { clientId: identity.clientId } : {}),
      });
    case 'workloadIdentity': {
      const tenantId = identity.tenantId ?? nonEmpty(env.AZURE_TENANT_ID);
      const clientId = identity.clientId ?? nonEmpty(env.AZURE_CLIENT_ID);
      const tokenFilePath = nonEmpty(env.AZURE_FEDERATED_TOKEN_FILE);
      const missing = [
        tenantId ? undefined : 'workerIdentity.tenantId or env AZURE_TENANT_ID',
        clientId ? undefined : 'workerIdentity.clientId or env AZURE_CLIENT_ID',
        tokenFilePath ? undefined : 'env AZURE_FEDERATED_TOKEN_FILE',
      ].filter((name): name is string => name !== undefined);
      if (!tenantId || !clientId || !tokenFilePath) {
        throw new WorkerIdentityError(
          `workerIdentity.type workloadIdentity: missing ${missing.join(', ')} ` +
            '(the AKS workload identity webhook sets these variables in the pod)',
        );
      }
      return new WorkloadIdentityCredential({ ...common, tenantId, clientId, tokenFilePath });
    }
    case 'environment':
      return environmentCredential(env, common);
    case 'azureCli':
      // Development only; the Azure CLI uses its own cloud setting (`az cloud set`), not cloud.authorityHost.
      return new AzureCliCredential(identity.tenantId ? { tenantId: identity.tenantId } : {});
    case 'default':
      return new DefaultAzureCredential({
        ...common,
        ...(identity.tenantId ? { tenantId: identity.tenantId } : {}),
        ...(identity.clientId ? { managedIdentityClientId: identity.clientId } : {}),
      });
    case 'clientSecret': {
      const envName = identity.clientSecretEnv;
      const secret = nonEmpty(env[envName]);
      if (!secret) {
        throw new WorkerIdentityError(
          `workerIdentity.type clientSecret: environment variable ${envName} is empty; set it to the app's client secret`,
        );
      }
      return new ClientSecretCredential(identity.tenantId, identity.clientId, secret, common);
    }
  }
}

/**
 * EnvironmentCredential's contract (AZURE_TENANT_ID, AZURE_CLIENT_ID, then AZURE_CLIENT_SECRET or
 * AZURE_CLIENT_CERTIFICATE_PATH [+ AZURE_CLIENT_CERTIFICATE_PASSWORD, AZURE_CLIENT_SEND_CERTIFICATE_CHAIN]), built
 * from `env` with the configured cloud; username/password (deprecated by Microsoft) is not offered. The certificate
 * file is the worker's own credential (PEM with its key), mounted by the platform; tenants' credentials never
 * touch the disk.
 */
function environmentCredential(
  env: NodeJS.ProcessEnv,
  options: { authorityHost: string; disableInstanceDiscovery: boolean; tlsOptions?: { ca: string[] } },
): TokenCredential {
  const tenantId = nonEmpty(env.AZURE_TENANT_ID);
  const clientId = nonEmpty(env.AZURE_CLIENT_ID);
  const secret = nonEmpty(env.AZURE_CLIENT_SECRET);
  const certificatePath = nonEmpty(env.AZURE_CLIENT_CERTIFICATE_PATH);
  if (tenantId && clientId && secret) return new ClientSecretCredential(tenantId, clientId, secret, options);
  if (tenantId && clientId && certificatePath) {
    const password = nonEmpty(env.AZURE_CLIENT_CERTIFICATE_PASSWORD);
    const sendChain = ['1', 'true'].includes((env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN ?? '').toLowerCase());
    return new ClientCertificateCredential(
      tenantId,
      clientId,
      { certificatePath, ...(password ? { certificatePassword: password } : {}) },
      { ...options, sendCertificateChain: sendChain },
    );
  }
  const missing = [
    tenantId ? undefined : 'AZURE_TENANT_ID',
    clientId ? undefined : 'AZURE_CLIENT_ID',
    secret || certificatePath ? undefined : 'AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH',
  ].filter((name): name is string => name !== undefined);
  throw new WorkerIdentityError(
    `workerIdentity.type environment: set ${missing.join(', ')} (the worker app's tenant, client ID and secret ` +
      'or PEM certificate file)',
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
