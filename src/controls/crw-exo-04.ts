import { part, type Control } from './control';
import { allHold, condition, DataShapeError, notedUnder } from './data-shape-error';
import {
  describeMailbox,
  EXCHANGE_READER,
  evaluateMailboxScan,
  isAuditedMailbox,
  mailboxFinding,
} from './exchange-control';
import { internalDomainCheck, stripSmtpPrefix } from './mail-domains';

const ID = 'CRW-EXO-04';

/**
 * CRW-EXO-04: no user or shared mailbox forwards to an external domain through ForwardingSmtpAddress.
 * ForwardingAddress is not read: it names a recipient of the tenant's own directory.
 */
export const crwExo04: Control = {
  meta: {
    id: ID,
    title: 'No mailbox forwards to external domains',
    severity: 'high',
    references: ['CIS M365 6.2.1', 'MS.EXO.1.1v1'],
    graphPermissions: [],
    exchangeRole: EXCHANGE_READER,
    remediation:
      'Remove the external forwarding of each listed mailbox (`Set-Mailbox -Identity <address> -ForwardingSmtpAddress $null`) and block automatic external forwarding in the outbound spam policy (AutoForwardingMode Off).',
  },
  reads: ['acceptedDomains', 'mailboxScan'],
  judgeMailboxes(context) {
    const domains = part(context.acceptedDomains);
    if (!domains.ok) return null;
    const isInternal = internalDomainCheck(domains.value);
    return (mailbox) => {
      let target = '';
      const forwardsOutside = allHold([
        condition(() => isAuditedMailbox(mailbox)),
        condition(() => {
          const noted = notedUnder(mailbox, 'ForwardingSmtpAddress');
          if (noted)
            throw new DataShapeError(
              describeMailbox(mailbox),
              noted.field,
              noted.value,
              'an address or null',
            );
          if (mailbox.forwardingSmtpAddress === null) return false;
          target = stripSmtpPrefix(mailbox.forwardingSmtpAddress);
          return !isInternal(target);
        }),
      ]);
      return forwardsOutside ? [mailboxFinding(mailbox, `forwards to external address ${target}`)] : [];
    };
  },
  evaluate: (context) =>
    evaluateMailboxScan(ID, context, { readsAcceptedDomains: true, readsInboxRules: false }),
};
