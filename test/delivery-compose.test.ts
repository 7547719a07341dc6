import type { TenantMailConfig } from '../src/config/schema';
import { composeReportMail, deliveryMessageId, XLSX_CONTENT_TYPE } from '../src/delivery/compose-mail';
import { reportDigest, type ReportDigest } from '../src/delivery/report-digest';
import { computeDrift } from '../src/reports/drift';
import { buildRunResults } from '../src/reports/results-json';

const MAIL: TenantMailConfig = {
  via: 'graph',
  from: 'Reports@Contoso.example',
  to: ['ciso@contoso.example', 'audit@contoso.example'],
  cc: ['it@contoso.example'],
  attachResults: false,
};

function run(runId: string, startedAt: string, failing: Array<[string, 'high' | 'medium' | 'low', number]>) {
  return buildRunResults({
    tenant: { name: 'contoso', tenantId: 't' },
    runId,
    startedAt: new Date(startedAt),
    finishedAt: new Date(Date.parse(startedAt) + 90_000),
    controls: [
      ...failing.map(([id, severity, count]) => ({
        id,
        title: `<b>${id}</b> & title`,
        severity,
        status: 'fail' as const,
        reason: null,
        references: [],
        findings: Array.from({ length: count }, (_, i) => ({
          assetType: 'user' as const,
          assetId: `u${i}`,
          assetName: `user${i}@contoso.example`,
          detail: 'x',
          ...(i === 0 && severity !== 'high' ? { severity: 'high' as const } : {}),
        })),
      })),
      {
        id: 'CRW-ID-02',
        title: 'pass',
        severity: 'high' as const,
        status: 'pass' as const,
        reason: null,
        references: [],
        findings: [],
      },
    ],
  });
}

function digestOf(): ReportDigest {
  const before = run('run-1', '2026-11-19T06:00:00Z', [['CRW-EXO-04', 'high', 2]]);
  const after = run('run-2', '2026-11-26T06:00:00Z', [
    ['CRW-EXO-04', 'high', 3],
    ['CRW-ID-09', 'medium', 7],
    ['CRW-ID-01', 'high', 1],
    ['CRW-ID-03', 'medium', 2],
    ['CRW-ID-04', 'low', 4],
    ['CRW-ID-05', 'medium', 1],
  ]);
  return reportDigest(after, computeDrift(before, after));
}

describe('reportDigest', () => {
  it('counts controls and findings by severity, names the top failing controls and the change', () => {
    const digest = digestOf();
    expect(digest.controls).toEqual({ pass: 1, fail: 6, error: 0, skipped: 0 });
    expect(digest.score).toBeCloseTo(1 / 7);
    // Each non-high control's first finding is high by override.
    expect(digest.findingsBySeverity).toEqual({ high: 3 + 1 + 4, medium: 6 + 1 + 0, low: 3 });
    expect(digest.topFailing.map((c) => c.id)).toEqual([
      'CRW-EXO-04',
      'CRW-ID-01',
      'CRW-ID-09',
      'CRW-ID-03',
      'CRW-ID-05',
    ]);
    expect(digest.change).toMatchObject({ previousRunId: 'run-1', newFindings: 16, resolvedFindings: 0 });
    expect(digest.change?.statusChanges).toEqual([]);
  });
});

describe('composeReportMail', () => {
  const input = (mail: TenantMailConfig = MAIL) => ({
    digest: digestOf(),
    mail,
    workbookPath: '/reports/contoso/2026-11-26-run-2/report.xlsx',
    resultsPath: '/reports/contoso/2026-11-26-run-2/results.json',
  });

  it('says score, counts, top failing controls, change and where the report is, as text and escaped HTML', () => {
    const mail = composeReportMail(input());
    expect(mail.subject).toBe(
      'Compliance report contoso 2026-11-26: score 14.3%, 6 failing controls, 18 findings',
    );
    expect(mail.from).toBe(MAIL.from);
    expect(mail.to).toEqual(MAIL.to);
    expect(mail.cc).toEqual(MAIL.cc);
    for (const text of [
      'Score: 14.3% (1 of 7 evaluated controls passed)',
      'Controls: 1 pass, 6 fail, 0 error, 0 skipped',
      'Findings: 18 (high 8, medium 7, low 3)',
      'CRW-EXO-04 (high) <b>CRW-EXO-04</b> & title: 3 findings',
      'Compared with run run-1: 16 new findings, 0 resolved.',
      'Report store: /reports/contoso/2026-11-26-run-2/report.xlsx',
    ])
      expect(mail.text).toContain(text);
    expect(mail.html).toContain(
      '<li>CRW-EXO-04 (high) &#60;b&#62;CRW-EXO-04&#60;/b&#62; &#38; title: 3 findings</li>',
    );
    expect(mail.html).not.toContain('<b>CRW');
    expect(mail.attachments).toEqual([
      {
        filename: 'compliance-report-contoso-2026-11-26.xlsx',
        contentType: XLSX_CONTENT_TYPE,
        path: '/reports/contoso/2026-11-26-run-2/report.xlsx',
      },
    ]);
    const withResults = composeReportMail(input({ ...MAIL, attachResults: true }));
    expect(withResults.attachments.map((a) => a.filename)).toEqual([
      'compliance-report-contoso-2026-11-26.xlsx',
      'results-contoso-2026-11-26.json',
    ]);
  });

  it('a first run says there is nothing to compare with', () => {
    const first = run('run-1', '2026-11-19T06:00:00Z', [['CRW-EXO-04', 'high', 2]]);
    const mail = composeReportMail({ ...input(), digest: reportDigest(first, computeDrift(null, first)) });
    expect(mail.text).toContain('First run for this tenant: nothing to compare with.');
  });
});

describe('deliveryMessageId', () => {
  const digest = { tenant: 'contoso', runId: 'run-2' };

  it('is the same for the same run and recipients, whatever their order or case', () => {
    const id = deliveryMessageId(digest, MAIL);
    expect(id).toMatch(/^<crw\.run-2\.[0-9a-f]{20}@contoso\.example>$/);
    expect(
      deliveryMessageId(digest, { ...MAIL, to: [...MAIL.to].reverse().map((a) => a.toUpperCase()) }),
    ).toBe(id);
  });

  it('differs for another run or other recipients', () => {
    const id = deliveryMessageId(digest, MAIL);
    expect(deliveryMessageId({ ...digest, runId: 'run-3' }, MAIL)).not.toBe(id);
    expect(deliveryMessageId(digest, { ...MAIL, cc: [] })).not.toBe(id);
    expect(deliveryMessageId({ ...digest, tenant: 'fabrikam' }, MAIL)).not.toBe(id);
  });
});
