// Small run results for report and mail tests.
import type { ControlResult, Finding } from '../../src/controls/types';
import { buildRunResults } from '../../src/reports/results-json';

export const ONE_FORWARDING_FINDING: Finding[] = [
  { assetType: 'mailbox', assetId: 'mbx-1', assetName: 'zed@contoso.com', detail: 'forwards' },
];

/** CRW-EXO-04 failing with the given findings. */
export function forwardingControl(findings: Finding[] = ONE_FORWARDING_FINDING): ControlResult {
  return {
    id: 'CRW-EXO-04',
    title: 'No mailbox forwards to external domains',
    severity: 'high',
    status: 'fail',
    reason: null,
    references: [],
    findings,
  };
}

/** Results of one run of tenant contoso that started at `startedAt` and took five minutes. */
export function sampleRunResults(
  runId: string,
  startedAt: string,
  controls: ControlResult[] = [forwardingControl()],
) {
  return buildRunResults({
    tenant: { name: 'contoso', tenantId: '00000000-0000-0000-0000-0000000000c0' },
    runId,
    startedAt: new Date(startedAt),
    finishedAt: new Date(Date.parse(startedAt) + 5 * 60_000),
    controls,
  });
}
