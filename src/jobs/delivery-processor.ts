import * as fs from 'node:fs';
import { UnrecoverableError, type Job } from 'bullmq';

import type { Config, TenantConfig } from '../config/schema';
import { composeReportMail } from '../delivery/compose-mail';
import { DeliveryError, type MailTransport, type OutgoingMail } from '../delivery/types';
import type { Logger } from '../observability/logger';
import { recordDelivery } from '../observability/metrics';
import { deliveryJobDataSchema, type DeliveryJobData, type DeliveryJobResult } from './delivery-job';

export interface DeliveryProcessorDeps {
  config: Config;
  logger: Logger;
  /** The tenant's mail transport (Graph with its app credential, or SMTP), built per job and closed after it. */
  transportFor: (tenant: TenantConfig, logger: Logger) => Promise<MailTransport>;
  /** The server refused the credential: drop the cached copy, so that a rotated one is read for the next try. */
  forgetCredential?: (tenant: TenantConfig) => void;
}

/**
 * The BullMQ processor of queue "deliveries": mails one run's report exactly once. Before sending it asks the
 * transport whether the message (its deterministic Message-ID) already went out, so a retry after an ambiguous
 * failure (sent, but no answer came) or a crash after sending does not send it again. A failure retrying cannot
 * help (unknown sender, permission, size) ends the job at once; the report stays in the store either way.
 */
export function createDeliveryProcessor(deps: DeliveryProcessorDeps) {
  return async (job: Job): Promise<DeliveryJobResult> => {
    const parsed = deliveryJobDataSchema.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(
        `job ${job.id}: invalid payload: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    const data = parsed.data;
    const logger = deps.logger.child({ tenant: data.tenant, runId: data.runId, jobId: job.id });
    const tenant = deps.config.tenants.find((t) => t.name === data.tenant);
    if (tenant?.mail === undefined) {
      // The tenant (or its mail section) left the configuration after the report was written.
      logger.warn(
        { workbookPath: data.workbookPath },
        'tenant has no mail configured any more: report not mailed',
      );
      return { status: 'not-configured' };
    }
    const mail = await withSizes(composeReportMail({ ...data, mail: tenant.mail }));
    const context = {
      messageId: mail.messageId,
      workbookPath: data.workbookPath,
      transport: tenant.mail.via,
    };
    const transport = await deps.transportFor(tenant, logger);
    try {
      if (await transport.alreadySent(mail)) {
        logger.info(context, 'report mail already sent (a retry found it): not sending again');
        recordDelivery(tenant.name, transport.kind, 'already_sent');
        return { status: 'already-sent', messageId: mail.messageId, transport: transport.kind };
      }
      await transport.send(mail);
      logger.info({ ...context, to: mail.to.length, cc: mail.cc.length }, 'report mailed');
      recordDelivery(tenant.name, transport.kind, 'sent');
      return { status: 'sent', messageId: mail.messageId, transport: transport.kind };
    } catch (err) {
      if (err instanceof DeliveryError && err.failure === 'authentication') deps.forgetCredential?.(tenant);
      throw failed(job, data, tenant, transport, err, logger, context);
    } finally {
      await transport.close?.().catch((err: unknown) => logger.warn({ err }, 'mail transport close failed'));
    }
  };
}

/** Logs and counts a failed attempt; what to throw so that BullMQ retries it or not. */
function failed(
  job: Job,
  data: DeliveryJobData,
  tenant: TenantConfig,
  transport: MailTransport,
  err: unknown,
  logger: Logger,
  context: Record<string, unknown>,
): Error {
  const attempts = job.opts.attempts ?? 1;
  const permanent = err instanceof DeliveryError && err.permanent;
  const lastAttempt = permanent || job.attemptsMade + 1 >= attempts;
  recordDelivery(tenant.name, transport.kind, lastAttempt ? 'failed' : 'retried');
  const message = err instanceof Error ? err.message : String(err);
  if (lastAttempt) {
    logger.error(
      { ...context, err, attempt: job.attemptsMade + 1 },
      'report mail failed; the report stays in the store',
    );
  } else {
    logger.warn({ ...context, err, attempt: job.attemptsMade + 1, attempts }, 'report mail failed; retrying');
  }
  if (permanent) return new UnrecoverableError(`${message} (report kept: ${data.workbookPath})`);
  return err instanceof Error ? err : new Error(message);
}

/** The attachments' sizes from the store; a report that is gone cannot be mailed, whatever the retries. */
async function withSizes(mail: ReturnType<typeof composeReportMail>): Promise<OutgoingMail> {
  const attachments = await Promise.all(
    mail.attachments.map(async (attachment) => {
      try {
        const stat = await fs.promises.stat(attachment.path);
        return { ...attachment, size: stat.size };
      } catch (err) {
        throw new UnrecoverableError(
          `cannot attach ${attachment.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}; ` +
            'the run folder was removed (retention or by hand): run the scan again to mail a new report',
        );
      }
    }),
  );
  return { ...mail, attachments };
}
