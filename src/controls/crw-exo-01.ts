import type { Control } from './control';
import { EXCHANGE_READER, evaluateOrganization, requireFlag } from './exchange-control';

/** CRW-EXO-01: mailbox auditing is on by default for the organization (Get-OrganizationConfig AuditDisabled). */
export const crwExo01: Control = {
  meta: {
    id: 'CRW-EXO-01',
    title: 'Mailbox auditing is on by default',
    severity: 'high',
    references: ['CIS M365 6.1.1', 'MS.EXO.13.1v1'],
    graphPermissions: [],
    exchangeRole: EXCHANGE_READER,
    remediation:
      'Turn mailbox auditing on by default for the organization: in Exchange Online PowerShell run `Set-OrganizationConfig -AuditDisabled $false`.',
  },
  reads: ['exchangeOrganization'],
  evaluate: (context) =>
    evaluateOrganization(context, (org) =>
      requireFlag('Get-OrganizationConfig', org, 'AuditDisabled', org.auditDisabled)
        ? 'mailbox auditing is turned off for the organization (AuditDisabled is true)'
        : null,
    ),
};
