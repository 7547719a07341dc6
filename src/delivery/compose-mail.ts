// The report mail of one run: subject, plain-text and HTML bodies from the run's digest, the deterministic
// Message-ID, and which files to attach. Pure: the processor adds the files' sizes and hands it to a transport.

import { createHash } from 'node:crypto';

import type { TenantMailConfig } from '../config/schema';
import type { ReportDigest } from './report-digest';
import type { MailAttachment, OutgoingMail } from './types';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ReportMailInput {
  digest: ReportDigest;
  mail: TenantMailConfig;
  workbookPath: string;
  resultsPath: string;
}

export type ComposedMail = Omit<OutgoingMail, 'attachments'> & {
  attachments: Array<Omit<MailAttachment, 'size'>>;
};

/**
 * The same run to the same recipients always gets the same Message-ID: a retry can ask the transport whether this
 * message already went out. Another recipient list is another message (its own ID), never a duplicate.
 */
export function deliveryMessageId(
  digest: Pick<ReportDigest, 'tenant' | 'runId'>,
  mail: Pick<TenantMailConfig, 'from' | 'to' | 'cc'>,
): string {
  const normalise = (addresses: readonly string[]) =>
    [...new Set(addresses.map((a) => a.toLowerCase()))].sort();
  const identity = JSON.stringify([
    digest.tenant,
    digest.runId,
    mail.from.toLowerCase(),
    normalise(mail.to),
    normalise(mail.cc),
  ]);
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 20);
  const domain = mail.from.slice(mail.from.lastIndexOf('@') + 1).toLowerCase();
  return `<crw.${digest.runId}.${hash}@${domain}>`;
}

export function composeReportMail(input: ReportMailInput): ComposedMail {
  const { digest, mail } = input;
  const day = digest.startedAt.slice(0, 10);
  const attachments: ComposedMail['attachments'] = [
    {
      filename: `compliance-report-${fileNamePart(digest.tenant)}-${day}.xlsx`,
      contentType: XLSX_CONTENT_TYPE,
      path: input.workbookPath,
    },
  ];
  if (mail.attachResults)
    attachments.push({
      filename: `results-${fileNamePart(digest.tenant)}-${day}.json`,
      contentType: 'application/json',
      path: input.resultsPath,
    });
  const lines = bodyLines(digest, input.workbookPath, attachments[0]!.filename);
  return {
    messageId: deliveryMessageId(digest, mail),
    from: mail.from,
    to: mail.to,
    cc: mail.cc,
    subject: subjectOf(digest),
    text: lines.map((line) => line.text).join('\n') + '\n',
    html: htmlOf(lines),
    attachments,
  };
}

function subjectOf(d: ReportDigest): string {
  const score = d.score === null ? 'no control evaluated' : `score ${percent(d.score)}`;
  const failing = `${d.controls.fail} failing control${d.controls.fail === 1 ? '' : 's'}`;
  return `Compliance report ${d.tenant} ${d.startedAt.slice(0, 10)}: ${score}, ${failing}, ${plural(d.findings, 'finding')}`;
}

/** One line of the body; `strong` lines are headings, `item` lines are list entries in HTML. */
interface BodyLine {
  text: string;
  kind: 'heading' | 'line' | 'item' | 'blank';
}

function bodyLines(d: ReportDigest, workbookPath: string, attachmentName: string): BodyLine[] {
  const line = (text: string): BodyLine => ({ text, kind: 'line' });
  const blank: BodyLine = { text: '', kind: 'blank' };
  const { pass, fail, error, skipped } = d.controls;
  const evaluated = pass + fail;
  const lines: BodyLine[] = [
    { text: `Compliance report for tenant ${d.tenant}`, kind: 'heading' },
    line(`Run ${d.runId}: ${utc(d.startedAt)} to ${utc(d.finishedAt)} UTC`),
    blank,
    line(
      d.score === null
        ? 'Score: n/a (no control could be evaluated)'
        : `Score: ${percent(d.score)} (${pass} of ${evaluated} evaluated controls passed)`,
    ),
    line(`Controls: ${pass} pass, ${fail} fail, ${error} error, ${skipped} skipped`),
    line(
      `Findings: ${d.findings} (high ${d.findingsBySeverity.high}, medium ${d.findingsBySeverity.medium}, low ${d.findingsBySeverity.low})`,
    ),
    blank,
  ];
  if (d.topFailing.length > 0) {
    lines.push({ text: 'Top failing controls:', kind: 'heading' });
    for (const c of d.topFailing)
      lines.push({
        text: `${c.id} (${c.severity}) ${c.title}: ${plural(c.findings, 'finding')}`,
        kind: 'item',
      });
    lines.push(blank);
  }
  lines.push({ text: 'Change since the last run:', kind: 'heading' });
  if (d.change === null) {
    lines.push(line('First run for this tenant: nothing to compare with.'));
  } else {
    lines.push(
      line(
        `Compared with run ${d.change.previousRunId}: ${plural(d.change.newFindings, 'new finding')}, ${d.change.resolvedFindings} resolved.`,
      ),
    );
    for (const s of d.change.statusChanges)
      lines.push({ text: `${s.id}: ${s.from} → ${s.to}`, kind: 'item' });
  }
  lines.push(
    blank,
    line(`The full report is attached (${attachmentName}): a Summary, every finding with its remediation,`),
    line(
      'the changes since the last run and the inventory of users, administrators, mailboxes and policies.',
    ),
    line(`Report store: ${workbookPath}`),
  );
  return lines;
}

function htmlOf(lines: readonly BodyLine[]): string {
  const parts: string[] = [];
  let inList = false;
  for (const { text, kind } of lines) {
    if (kind !== 'item' && inList) {
      parts.push('</ul>');
      inList = false;
    }
    if (kind === 'item' && !inList) {
      parts.push('<ul>');
      inList = true;
    }
    if (kind === 'heading') parts.push(`<p><strong>${escapeHtml(text)}</strong></p>`);
    else if (kind === 'item') parts.push(`<li>${escapeHtml(text)}</li>`);
    else if (kind === 'line') parts.push(`<p>${escapeHtml(text)}</p>`);
  }
  if (inList) parts.push('</ul>');
  return `<!DOCTYPE html><html><body style="font-family:Segoe UI,Arial,sans-serif">${parts.join('')}</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function utc(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** Tenant names are already safe path segments (run-paths.ts); this keeps attachment names plain whatever comes. */
function fileNamePart(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'tenant';
}
