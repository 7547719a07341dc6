// The simulated directory's app registrations: which tenants exist, which apps live in each, the credentials
// (client secrets, certificates) the token endpoint accepts for them and the app roles they hold per resource.
import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { certificateThumbprints, type CertificateThumbprints } from '../ca';

export interface RegisteredCertificate {
  certificatePem: string;
  publicKey: KeyObject;
  thumbprints: CertificateThumbprints;
}

export interface AppRegistration {
  readonly tenantId: string;
  readonly clientId: string;
  readonly displayName: string;
  /** Object id of the app's service principal in its tenant: the `oid` of its tokens. */
  readonly servicePrincipalId: string;
  /** Application permissions per resource (token audience), e.g. "https://graph.microsoft.com" → ["User.Read.All"]. */
  readonly rolesByResource: Readonly<Record<string, readonly string[]>>;
  secrets: string[];
  certificates: RegisteredCertificate[];
}

export type AppCredential =
  { type: 'secret'; secret: string } | { type: 'certificate'; certificatePem: string };

export class AppRegistry {
  /** tenantId → clientId → app */
  private readonly appsByTenant = new Map<string, Map<string, AppRegistration>>();
  /** lower-cased domain → tenantId, so authorities like /contoso.onmicrosoft.com/ work too */
  private readonly tenantIdByDomain = new Map<string, string>();

  addTenant(tenantId: string, domains: string[] = []): void {
    if (!this.appsByTenant.has(tenantId)) this.appsByTenant.set(tenantId, new Map());
    for (const domain of domains) this.tenantIdByDomain.set(domain.toLowerCase(), tenantId);
  }

  /** The tenant id for a tenant id or one of its domains, as it appears in an authority URL. */
  resolveTenant(tenantIdOrDomain: string): string | undefined {
    if (this.appsByTenant.has(tenantIdOrDomain)) return tenantIdOrDomain;
    return this.tenantIdByDomain.get(tenantIdOrDomain.toLowerCase());
  }

  register(
    app: Omit<AppRegistration, 'secrets' | 'certificates'>,
    credential?: AppCredential,
  ): AppRegistration {
    const apps = this.appsByTenant.get(app.tenantId);
    if (!apps)
      throw new Error(`Cannot register app ${app.clientId}: tenant ${app.tenantId} is not in the directory`);
    const registration: AppRegistration = { ...app, secrets: [], certificates: [] };
    apps.set(app.clientId, registration);
    if (credential) this.addCredential(registration, credential, { keepOld: true });
    return registration;
  }

  find(tenantId: string, clientId: string): AppRegistration | undefined {
    return this.appsByTenant.get(tenantId)?.get(clientId);
  }

  /** Adds a credential; unless `keepOld`, every earlier secret and certificate stops working. */
  addCredential(app: AppRegistration, credential: AppCredential, options: { keepOld: boolean }): void {
    if (!options.keepOld) {
      app.secrets = [];
      app.certificates = [];
    }
    if (credential.type === 'secret') {
      app.secrets.push(credential.secret);
    } else {
      app.certificates.push({
        certificatePem: credential.certificatePem,
        publicKey: createPublicKey(credential.certificatePem),
        thumbprints: certificateThumbprints(credential.certificatePem),
      });
    }
  }
}

/** A client secret in Entra's format: 40 characters, "8Q~" (the secret-format marker) after a 3-character hint. */
export function createClientSecret(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-';
  const bytes = randomBytes(37);
  const chars = [...bytes].map((byte) => alphabet[byte % alphabet.length] ?? 'A');
  return `${chars.slice(0, 3).join('')}8Q~${chars.slice(3).join('')}`.slice(0, 40);
}
