import type { Control } from './control';
import { allHold, condition } from './data-shape-error';
import {
  describeMailbox,
  EXCHANGE_READER,
  evaluateMailboxScan,
  isAuditedMailbox,
  mailboxFinding,
  requireFlag,
} from './exchange-control';

const ID = 'CRW-EXO-03';

/** CRW-EXO-03: every user and shared mailbox is audited (one finding per mailbox with AuditEnabled false). */
export const crwExo03: Control = {
  meta: {
    id: ID,
    title: 'Every mailbox is audited',
    severity: 'medium',
    references: ['CIS M365 6.1.2', 'CIS M365 6.1.3', 'MS.EXO.13.1v1'],
    graphPermissions: [],
    exchangeRole: EXCHANGE_READER,
    remediation:
      'Turn auditing on for each listed mailbox: `Set-Mailbox -Identity <address> -AuditEnabled $true` in Exchange Online PowerShell.',
  },
  reads: ['mailboxScan'],
  judgeMailboxes: () => (mailbox) => {
    const auditingOff = allHold([
      condition(() => isAuditedMailbox(mailbox)),
      condition(() => !requireFlag(describeMailbox(mailbox), mailbox, 'AuditEnabled', mailbox.auditEnabled)),
    ]);
    return auditingOff
      ? [mailboxFinding(mailbox, `${mailbox.recipientTypeDetails} with auditing off (AuditEnabled is false)`)]
      : [];
  },
  evaluate: (context) =>
    evaluateMailboxScan(ID, context, { readsAcceptedDomains: false, readsInboxRules: false }),
};
