// Expected results of CRW-EXO-01..06 for a generated tenant, from the Exchange plan and the mailboxes' own
// parameters (audit flag, kind of forwarding address, rule recipients' kinds). Never computed through src/controls/
// nor by replaying Exchange or Graph responses.
import type { ExpectedControl, SimTenant } from '../types';
import { isExternalKind } from './mailboxes-addresses';
import { isCountedMailbox, mailboxDirectoryOf } from './mailboxes';
import { forwardsExternally, inboxRulesOf } from './mailboxes-rules';

export function expectedExchangeControls(tenant: SimTenant): ExpectedControl[] {
  const directory = mailboxDirectoryOf(tenant);
  const { plan } = directory;
  const tenantName = tenant.options.name;

  const unaudited: string[] = [];
  const forwardingOut: string[] = [];
  const rulesOut: string[] = [];
  for (const mailbox of directory.all()) {
    if (!isCountedMailbox(mailbox)) continue;
    if (!mailbox.auditEnabled) unaudited.push(mailbox.primarySmtpAddress);
    if (mailbox.forwardingSmtp && isExternalKind(mailbox.forwardingSmtp.kind))
      forwardingOut.push(mailbox.primarySmtpAddress);
    // One finding per mailbox and rule.
    for (const rule of inboxRulesOf(directory, mailbox)) {
      if (rule.isEnabled && forwardsExternally(rule)) rulesOut.push(mailbox.primarySmtpAddress);
    }
  }

  const tenantLevel = (id: string, fails: boolean): ExpectedControl => ({
    id,
    status: fails ? 'fail' : 'pass',
    findingAssetNames: fails ? [tenantName] : [],
  });
  const perAsset = (id: string, assetNames: string[]): ExpectedControl => ({
    id,
    status: assetNames.length > 0 ? 'fail' : 'pass',
    // Plain code-unit order, as results.json sorts findings by assetName first.
    findingAssetNames: [...assetNames].sort(),
  });

  return [
    tenantLevel('CRW-EXO-01', plan.auditDisabled),
    tenantLevel('CRW-EXO-02', !plan.unifiedAuditLogIngestionEnabled),
    perAsset('CRW-EXO-03', unaudited),
    perAsset('CRW-EXO-04', forwardingOut),
    perAsset('CRW-EXO-05', rulesOut),
    tenantLevel(
      'CRW-EXO-06',
      plan.defaultRemoteDomainAutoForwardEnabled && plan.defaultOutboundAutoForwardingMode === 'On',
    ),
  ];
}
