import type { ScanCheckpoint } from '../checkpoints/scan-checkpoint';
import type { ExchangeClient } from '../cloud/exchange-client';
import type { GraphClient } from '../cloud/graph-client';
import { GraphError } from '../cloud/graph-error';
import { exchangeCollected } from '../collectors/exchange-snapshot';
import { mailboxPages } from '../collectors/exchange-settings';
import {
  AUDITED_MAILBOX_TYPES,
  type ExchangeMailbox,
  type MailboxWithRules,
} from '../collectors/exchange-types';
import { collectInboxRules } from '../collectors/inbox-rules';
import type { ProgressSink } from '../collectors/progress';
import type { Collected } from '../collectors/types';
import type { Control, ControlContext, MailboxJudge, MailboxScan } from '../controls/control';
import { judgeAsset, SHAPE_ERRORS_NOTE, shapeErrorsIn } from '../controls/judge-assets';
import type { Finding } from '../controls/types';
import type { Logger } from '../observability/logger';
import { mailboxInventoryRow } from '../reports/inventory';
import { runCheckpointedStream } from './checkpointed-stream';

/** The stream's notes: why inbox rules stopped being read, once Graph refused them. */
interface MailboxNotes {
  inboxRulesRefusal?: string;
}

/**
 * Streams every mailbox once, page by page, through the judges of the runnable per-mailbox controls; each page's
 * findings and inventory rows go to the run's checkpoint with the link to the next page, so memory stays bounded by one page and a
 * resumed run goes on where it stopped. Inbox rules are read (Graph $batch) for the page's user and shared
 * mailboxes when a runnable control reads them.
 */
export async function scanMailboxes(
  exchange: ExchangeClient,
  graph: GraphClient,
  controls: readonly Control[],
  context: ControlContext,
  checkpoint: ScanCheckpoint,
  progress: ProgressSink,
  logger: Logger,
): Promise<Collected<MailboxScan>> {
  const judges: Array<{ id: string; judge: MailboxJudge }> = [];
  for (const control of controls) {
    const judge = control.judgeMailboxes?.(context) ?? null;
    if (judge !== null) judges.push({ id: control.meta.id, judge });
  }
  const wantsRules = controls.some((c) => c.readsInboxRules === true);

  const judgePage = async (page: ExchangeMailbox[], notes: MailboxNotes) => {
    let refusal = notes.inboxRulesRefusal;
    let rules: Map<string, MailboxWithRules['inboxRules']> = new Map();
    if (wantsRules && refusal === undefined) {
      const ids = page
        .filter((m) => AUDITED_MAILBOX_TYPES.has(m.recipientTypeDetails))
        .map((m) => m.externalDirectoryObjectId)
        .filter((id): id is string => id !== null);
      try {
        rules = await collectInboxRules(graph, ids);
      } catch (err) {
        // A refusal, or rules in a shape we cannot read: only the controls reading rules are affected.
        if (
          !(err instanceof GraphError) ||
          !([400, 403].includes(err.status) || err.code === 'UnexpectedShape')
        )
          throw err;
        refusal = describeRefusal(err);
      }
    }
    const findings = new Map<string, Finding[]>(judges.map(({ id }) => [id, []]));
    const shapeErrors = shapeErrorsIn(notes);
    const inventory = page.map((mailbox) => {
      const id = mailbox.externalDirectoryObjectId;
      const withRules: MailboxWithRules = {
        ...mailbox,
        inboxRules: wantsRules && refusal === undefined && id !== null ? (rules.get(id) ?? null) : null,
      };
      judgeAsset(judges, withRules, findings, shapeErrors);
      return mailboxInventoryRow(withRules);
    });
    return {
      findings,
      inventory,
      notes: {
        ...(refusal === undefined ? {} : { inboxRulesRefusal: refusal }),
        [SHAPE_ERRORS_NOTE]: shapeErrors,
      },
    };
  };

  return exchangeCollected(async () => {
    const outcome = await runCheckpointedStream({
      checkpoint,
      name: 'mailboxes',
      controlIds: judges.map(({ id }) => id),
      open: (from) => mailboxPages(exchange, from?.next ?? null),
      judge: judgePage,
      progress,
      logger,
    });
    const { inboxRulesRefusal } = outcome.notes as MailboxNotes;
    let inboxRules: Collected<true>;
    if (!wantsRules) inboxRules = { ok: false, reason: 'not collected in this scan' };
    else if (inboxRulesRefusal !== undefined) inboxRules = { ok: false, reason: inboxRulesRefusal };
    else inboxRules = { ok: true, value: true };
    return { findings: outcome.findings, inboxRules, shapeErrors: shapeErrorsIn(outcome.notes) };
  });
}

function describeRefusal(err: GraphError): string {
  if (err.status === 403) {
    return `Graph refused ${err.path} (403 ${err.code}): grant the scanning app the application permission MailboxSettings.Read and admin-consent it`;
  }
  return `Graph answered ${err.status} ${err.code} on ${err.path}: ${err.message}`;
}
