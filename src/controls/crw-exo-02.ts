import type { Control } from './control';
import { EXCHANGE_READER, evaluateOrganization, requireFlag } from './exchange-control';

/** CRW-EXO-02: the unified audit log ingests events (Get-AdminAuditLogConfig UnifiedAuditLogIngestionEnabled). */
export const crwExo02: Control = {
  meta: {
    id: 'CRW-EXO-02',
    title: 'Unified audit log ingestion is enabled',
    severity: 'high',
    references: ['CIS M365 3.1.1', 'MS.EXO.17.1v1'],
    graphPermissions: [],
    exchangeRole: EXCHANGE_READER,
    remediation:
      'Turn on audit log search in the Microsoft Purview portal (Audit → Start recording user and admin activity), or run `Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true` in Exchange Online PowerShell.',
  },
  reads: ['exchangeOrganization'],
  evaluate: (context) =>
    evaluateOrganization(context, (org) =>
      requireFlag(
        'Get-AdminAuditLogConfig',
        org,
        'UnifiedAuditLogIngestionEnabled',
        org.unifiedAuditLogIngestionEnabled,
      )
        ? null
        : 'unified audit log ingestion is off (UnifiedAuditLogIngestionEnabled is false)',
    ),
};
