import { readFile } from 'node:fs/promises';

import type { Config, TenantConfig } from '../config/schema';
import { GraphMailTransport } from '../delivery/graph-mail-transport';
import type { SentMarkers } from '../delivery/sent-markers';
import { SmtpTransport } from '../delivery/smtp-transport';
import type { MailTransport } from '../delivery/types';
import { throttleGovernorFor } from '../cloud/throttle-registry';
import type { Logger } from '../observability/logger';
import { credentialRef, type ScanServices } from './run-scan';

/**
 * Builds a tenant's mail transport: Graph sendMail from its sender mailbox with the tenant's own app credential
 * (from Key Vault, as for scans), or the configured SMTP server with its password from Key Vault. Nothing of either
 * credential leaves memory.
 */
export function mailTransports(
  config: Config,
  services: Pick<ScanServices, 'secrets' | 'http' | 'graph'>,
  markers: SentMarkers,
) {
  return async (tenant: TenantConfig, logger: Logger): Promise<MailTransport> => {
    const mail = tenant.mail;
    if (mail === undefined) throw new Error(`tenant ${tenant.name} has no mail configured`);
    if (mail.via === 'graph') {
      const credential = await services.secrets.getTenantCredential(credentialRef(tenant), { logger });
      return new GraphMailTransport({
        graphUrl: services.graph.url,
        resource: services.graph.resource,
        credential: credential.tokenCredential,
        http: services.http,
        sender: mail.from,
        throttle: throttleGovernorFor(tenant.tenantId, 'graph'),
      });
    }
    const smtp = config.delivery.smtp;
    if (smtp === undefined)
      throw new Error(`tenant ${tenant.name} mails through SMTP, but delivery.smtp is not set`);
    const password =
      smtp.passwordSecret === undefined
        ? undefined
        : await services.secrets.getSecretValue(smtp.passwordSecret, { logger });
    const ca = smtp.caFile === undefined ? undefined : await readFile(smtp.caFile, 'utf8');
    return new SmtpTransport({ smtp, password, ...(ca === undefined ? {} : { ca }), markers, logger });
  };
}

/** Drops the cached credential a mail server refused: the SMTP password, or the tenant's app credential. */
export function forgetMailCredential(config: Config, services: Pick<ScanServices, 'secrets'>) {
  return (tenant: TenantConfig): void => {
    const secret = config.delivery.smtp?.passwordSecret;
    if (tenant.mail?.via === 'smtp' && secret !== undefined) services.secrets.invalidateSecret(secret);
    else services.secrets.invalidate(tenant.name);
  };
}
