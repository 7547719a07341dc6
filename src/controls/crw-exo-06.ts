import type { OutboundSpamPolicy } from '../collectors/exchange-types';
import type { Control } from './control';
import { allHold, condition, DataShapeError, sentValue } from './data-shape-error';
import { EXCHANGE_READER, evaluateOrganization, requireFlag } from './exchange-control';

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
      let policy: OutboundSpamPolicy | undefined;
      const bothAllow = allHold([
        condition(
          () =>
            remote !== undefined &&
            requireFlag('remote domain "*"', remote, 'AutoForwardEnabled', remote.autoForwardEnabled),
        ),
        condition(() => {
          policy = defaultPolicy(org.outboundSpamPolicies);
          return policy !== undefined && allowsForwarding(policy);
        }),
      ]);
      if (!bothAllow) return null;
      return `the Default remote domain allows automatic forwarding (AutoForwardEnabled true) and the default outbound spam policy "${policy?.name ?? ''}" has AutoForwardingMode On`;
    }),
};

/**
 * The default outbound spam policy (there is one). When none says IsDefault true and one could not say, which is
 * the default is unknown: DataShapeError.
 */
function defaultPolicy(policies: readonly OutboundSpamPolicy[]): OutboundSpamPolicy | undefined {
  const found = policies.find((p) => p.isDefault === true);
  const unknown = policies.find((p) => p.isDefault === null);
  if (!found && unknown) requireFlag(describePolicy(unknown), unknown, 'IsDefault', unknown.isDefault);
  return found;
}

/**
 * AutoForwardingMode On allows; Off and Automatic (now Off) block. A mode this version does not know might do
 * either, so it cannot be judged; it matters only when the Default remote domain allows forwarding too.
 */
function allowsForwarding(policy: OutboundSpamPolicy): boolean {
  const mode = policy.autoForwardingMode?.toLowerCase();
  if (mode === 'on') return true;
  if (mode === 'off' || mode === 'automatic') return false;
  throw new DataShapeError(
    describePolicy(policy),
    'AutoForwardingMode',
    sentValue(policy, 'AutoForwardingMode', policy.autoForwardingMode),
    'Automatic, On or Off',
  );
}

function describePolicy(policy: OutboundSpamPolicy): string {
  return `outbound spam policy "${policy.name}"`;
}
