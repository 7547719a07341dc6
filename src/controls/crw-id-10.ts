import { stateOf } from './ca-rules';
import {
  errorOutcome,
  outcomeFromFindings,
  part,
  tenantFinding,
  type Control,
  type ControlContext,
} from './control';

/** CRW-ID-10: security defaults are on, or at least one Conditional Access policy is enforced. */
export const crwId10: Control = {
  meta: {
    id: 'CRW-ID-10',
    title: 'Baseline identity protection is on',
    severity: 'high',
    references: [],
    graphPermissions: ['Policy.Read.All'],
    exchangeRole: null,
    remediation:
      'Turn on security defaults (Entra admin center > Overview > Properties > Manage security defaults), or, with Entra ID P1, switch Conditional Access policies that require MFA and block legacy authentication from report-only to On.',
  },
  reads: ['conditionalAccess'],
  evaluate(context: ControlContext) {
    const ca = part(context.conditionalAccess);
    if (!ca.ok) return errorOutcome(`Conditional Access policies could not be read: ${ca.reason}`);
    const { securityDefaultsEnabled, policies } = ca.value;
    if (securityDefaultsEnabled || policies.some((p) => p.state === 'enabled'))
      return { status: 'pass', reason: null, findings: [] };
    // No policy is known to be enforced: one in a state this version does not know might be (stateOf throws).
    for (const p of policies) stateOf(p);
    const reportOnly = policies.filter((p) => p.state === 'enabledForReportingButNotEnforced').length;
    return outcomeFromFindings([
      tenantFinding(
        context,
        `security defaults are off and no Conditional Access policy is enabled (${policies.length} polic${policies.length === 1 ? 'y' : 'ies'}, ${reportOnly} report-only)`,
      ),
    ]);
  },
};
