import type { ExchangeClient } from '../cloud/exchange-client';
import type { GraphClient } from '../cloud/graph-client';
import { GraphError } from '../cloud/graph-error';
import { exchangeCollected } from '../collectors/exchange-snapshot';
import { mailboxPages } from '../collectors/exchange-settings';
import { AUDITED_MAILBOX_TYPES, type MailboxWithRules } from '../collectors/exchange-types';
import { collectInboxRules } from '../collectors/inbox-rules';
import type { ProgressSink } from '../collectors/progress';
import type { Collected } from '../collectors/types';
import type { Control, ControlContext, MailboxJudge, MailboxScan } from '../controls/control';
import type { Finding } from '../controls/types';

/**
 * Streams every mailbox once, page by page, through the judges of the runnable per-mailbox controls; only their
 * findings are kept, so memory stays bounded by one page whatever the tenant's size. Inbox rules are read (Graph
 * $batch) for the page's user and shared mailboxes when a runnable control reads them.
 */
export async function scanMailboxes(
  exchange: ExchangeClient,
  graph: GraphClient,
  controls: readonly Control[],
  context: ControlContext,
  progress: ProgressSink,
): Promise<Collected<MailboxScan>> {
  const judges: Array<{ id: string; judge: MailboxJudge }> = [];
  for (const control of controls) {
    const judge = control.judgeMailboxes?.(context) ?? null;
    if (judge !== null) judges.push({ id: control.meta.id, judge });
  }
  const findings = new Map<string, Finding[]>(judges.map(({ id }) => [id, []]));
  const wantsRules = controls.some((c) => c.readsInboxRules === true);
  let inboxRules: Collected<true> = wantsRules
    ? { ok: true, value: true }
    : { ok: false, reason: 'not collected in this scan' };

  const streamed = await exchangeCollected(async () => {
    for await (const page of mailboxPages(exchange, progress)) {
      let rules: Map<string, MailboxWithRules['inboxRules']> = new Map();
      if (inboxRules.ok) {
        const ids = page
          .filter((m) => AUDITED_MAILBOX_TYPES.has(m.recipientTypeDetails))
          .map((m) => m.externalDirectoryObjectId)
          .filter((id): id is string => id !== null);
        try {
          rules = await collectInboxRules(graph, ids);
        } catch (err) {
          if (!(err instanceof GraphError) || ![400, 403].includes(err.status)) throw err;
          inboxRules = { ok: false, reason: describeRefusal(err) };
        }
      }
      for (const mailbox of page) {
        const id = mailbox.externalDirectoryObjectId;
        const withRules: MailboxWithRules = {
          ...mailbox,
          inboxRules: inboxRules.ok && id !== null ? (rules.get(id) ?? null) : null,
        };
        for (const { id: controlId, judge } of judges) findings.get(controlId)?.push(...judge(withRules));
      }
    }
  });
  if (!streamed.ok) return streamed;
  return { ok: true, value: { findings, inboxRules } };
}

function describeRefusal(err: GraphError): string {
  if (err.status === 403) {
    return `Graph refused ${err.path} (403 ${err.code}): grant the scanning app the application permission MailboxSettings.Read and admin-consent it`;
  }
  return `Graph answered ${err.status} ${err.code} on ${err.path}: ${err.message}`;
}
