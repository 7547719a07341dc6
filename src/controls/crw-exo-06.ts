import type { Control } from './control';
import { EXCHANGE_READER, evaluateOrganization } from './exchange-control';

/**
 * CRW-EXO-06: automatic forwarding to external domains is blocked org-wide. Either block is enough: the Default
 * remote domain ("*") with AutoForwardEnabled false, or the default outbound spam policy with AutoForwardingMode
 * other than On (Automatic now means Off).
 */
export const crwExo06: Control = {
  meta: {
    id: 'CRW-EXO-06',
    title: 'Automatic external forwarding is blocked org-wide',
    severity: 'high',
    references: ['CIS M365 6.2.1', 'MS.EXO.1.1v1'],
    graphPermissions: [],
    exchangeRole: EXCHANGE_READER,
    remediation:
      'Set the default outbound spam filter policy to block automatic forwarding (`Set-HostedOutboundSpamFilterPolicy -Identity Default -AutoForwardingMode Off`) and turn it off for the Default remote domain (`Set-RemoteDomain Default -AutoForwardEnabled $false`); allow exceptions only through a custom outbound policy for named senders.',
  },
  reads: ['exchangeOrganization'],
  evaluate: (context) =>
    evaluateOrganization(context, (org) => {
      const remote = org.remoteDomains.find((d) => d.domainName.trim() === '*');
      const policy = org.outboundSpamPolicies.find((p) => p.isDefault);
      const remoteAllows = remote?.autoForwardEnabled === true;
      const policyAllows = policy?.autoForwardingMode.toLowerCase() === 'on';
      if (!remoteAllows || !policyAllows) return null;
      return `the Default remote domain allows automatic forwarding (AutoForwardEnabled true) and the default outbound spam policy "${policy?.name ?? ''}" has AutoForwardingMode On`;
    }),
};
