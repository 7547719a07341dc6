import type { InboxRule } from '../collectors/exchange-types';
import { part, type Control } from './control';
import { EXCHANGE_READER, evaluateMailboxScan, isAuditedMailbox, mailboxFinding } from './exchange-control';
import { internalDomainCheck } from './mail-domains';

const ID = 'CRW-EXO-05';

const ACTIONS: ReadonlyArray<keyof Pick<InboxRule, 'forwardTo' | 'redirectTo' | 'forwardAsAttachmentTo'>> = [
  'forwardTo',
  'redirectTo',
  'forwardAsAttachmentTo',
];

/**
 * CRW-EXO-05: no enabled inbox rule of a user or shared mailbox forwards, redirects or forwards as attachment to
 * an address outside the accepted domains. One finding per mailbox and rule, however many recipients it has.
 */
export const crwExo05: Control = {
  meta: {
    id: ID,
    title: 'No inbox rule forwards to external recipients',
    severity: 'high',
    references: ['CIS M365 6.2.1', 'MS.EXO.1.1v1'],
    graphPermissions: ['MailboxSettings.Read'],
    exchangeRole: EXCHANGE_READER,
    remediation:
      'Review each listed rule with the mailbox owner (a forwarding rule is a common sign of a compromised account), then disable or delete it (`Remove-InboxRule -Mailbox <address> -Identity <rule>`), and block automatic external forwarding in the outbound spam policy (AutoForwardingMode Off).',
  },
  reads: ['acceptedDomains', 'mailboxScan'],
  readsInboxRules: true,
  judgeMailboxes(context) {
    const domains = part(context.acceptedDomains);
    if (!domains.ok) return null;
    const isInternal = internalDomainCheck(domains.value);
    return (mailbox) => {
      if (!isAuditedMailbox(mailbox) || mailbox.inboxRules === null) return [];
      return mailbox.inboxRules.flatMap((rule) => {
        if (!rule.isEnabled) return [];
        const external = ACTIONS.flatMap((action) =>
          rule[action].filter((address) => !isInternal(address)).map((address) => `${action} ${address}`),
        );
        if (external.length === 0) return [];
        return [
          mailboxFinding(mailbox, `inbox rule "${rule.displayName}" (${rule.id}): ${external.join(', ')}`),
        ];
      });
    };
  },
  evaluate: (context) =>
    evaluateMailboxScan(ID, context, { readsAcceptedDomains: true, readsInboxRules: true }),
};
