import type { ExchangeMailbox, InboxRule } from '../collectors/exchange-types';
import { part, type Control } from './control';
import { allHold, condition, DataShapeError, notedUnder, sentValue } from './data-shape-error';
import {
  describeMailbox,
  EXCHANGE_READER,
  evaluateMailboxScan,
  isAuditedMailbox,
  mailboxFinding,
} from './exchange-control';
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
      if (mailbox.inboxRules === null) {
        // Rules not read: refused or not requested (evaluate() says why), or not readable for this mailbox
        // because Exchange gave no Entra object id to address it by.
        if (mailbox.externalDirectoryObjectId === null && isAuditedMailbox(mailbox)) {
          const sent = sentValue(mailbox, 'ExternalDirectoryObjectId', null);
          throw new DataShapeError(
            describeMailbox(mailbox),
            'ExternalDirectoryObjectId',
            sent,
            'the Entra object id',
          );
        }
        return [];
      }
      // Rules are read for user and shared mailboxes only, so the type is known here.
      if (!isAuditedMailbox(mailbox)) return [];
      return mailbox.inboxRules.flatMap((rule) => {
        const external = ACTIONS.flatMap((action) =>
          rule[action].filter((address) => !isInternal(address)).map((address) => `${action} ${address}`),
        );
        const forwardsOutside = allHold([
          condition(() => ruleEnabled(mailbox, rule)),
          // A recipient without an address might be external: unknown unless another one already is.
          condition(() => external.length > 0 || requireAddresses(mailbox, rule)),
        ]);
        if (!forwardsOutside) return [];
        return [
          mailboxFinding(mailbox, `inbox rule "${rule.displayName}" (${rule.id}): ${external.join(', ')}`),
        ];
      });
    };
  },
  evaluate: (context) =>
    evaluateMailboxScan(ID, context, { readsAcceptedDomains: true, readsInboxRules: true }),
};

function describeRule(mailbox: ExchangeMailbox, rule: InboxRule): string {
  return `inbox rule "${rule.displayName}" (${rule.id}) of ${describeMailbox(mailbox)}`;
}

function ruleEnabled(mailbox: ExchangeMailbox, rule: InboxRule): boolean {
  if (rule.isEnabled !== null) return rule.isEnabled;
  throw new DataShapeError(
    describeRule(mailbox, rule),
    'isEnabled',
    sentValue(rule, 'isEnabled', null),
    'true or false',
  );
}

/** false when every recipient had an address; DataShapeError naming the first that had none. */
function requireAddresses(mailbox: ExchangeMailbox, rule: InboxRule): false {
  const noted = notedUnder(rule, 'actions');
  if (noted)
    throw new DataShapeError(describeRule(mailbox, rule), noted.field, noted.value, 'an email address');
  return false;
}
