import {
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import { WorkerIdentityError } from './errors';

export interface WorkerIdentitySettings {
  type: 'managedIdentity' | 'clientSecret' | 'default';
  clientId?: string;
  tenantId?: string;
  /** Name of the environment variable holding the client secret (clientSecret only). */
  clientSecretEnv?: string;
}

export interface CloudAuthSettings {
  authorityHost: string;
  /** Trusted CAs (Node's roots plus the configured extra CA); undefined = Node's default trust store. */
  ca?: string[];
}

/**
 * The worker's own identity, used only to read tenant credentials from Key Vault. Managed identity is the
 * default: no secret exists anywhere. The endpoint comes from the platform (IDENTITY_ENDPOINT/IMDS).
 */
export function createWorkerCredential(
  identity: WorkerIdentitySettings,
  cloud: CloudAuthSettings,
  env: NodeJS.ProcessEnv = process.env,
): TokenCredential {
  const common = {
    authorityHost: cloud.authorityHost,
    ...(cloud.ca ? { tlsOptions: { ca: cloud.ca } } : {}),
  };
  switch (identity.type) {
    case 'managedIdentity':
      return new ManagedIdentityCredential({
        ...common,
        ...(identity.clientId ? { clientId: identity.clientId } : {}),
      });
    case 'default':
      return new DefaultAzureCredential({
        ...common,
        ...(identity.clientId ? { managedIdentityClientId: identity.clientId } : {}),
      });
    case 'clientSecret': {
      const envName = identity.clientSecretEnv ?? 'CRW_WORKER_CLIENT_SECRET';
      const secret = env[envName];
      if (!identity.tenantId || !identity.clientId) {
        throw new WorkerIdentityError(
          'workerIdentity.type clientSecret needs workerIdentity.tenantId and clientId',
        );
      }
      if (!secret) {
        throw new WorkerIdentityError(
          `workerIdentity.type clientSecret: environment variable ${envName} is empty; set it to the app's client secret`,
        );
      }
      return new ClientSecretCredential(identity.tenantId, identity.clientId, secret, {
        ...common,
        disableInstanceDiscovery: true,
      });
    }
  }
}
