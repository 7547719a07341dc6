import type { Control } from './control';
import { crwId01 } from './crw-id-01';
import { crwId02 } from './crw-id-02';
import type { Severity } from './types';

/** Controls this version evaluates, by id. */
export const IMPLEMENTED_CONTROLS: readonly Control[] = [crwId01, crwId02];

/** Every control of shared/CONTROLS.md with its title and severity, so unimplemented ones still report. */
export const CATALOGUE: ReadonlyArray<{ id: string; title: string; severity: Severity }> = [
  { id: 'CRW-ID-01', title: 'Privileged users are registered for MFA', severity: 'high' },
  { id: 'CRW-ID-02', title: 'Global Administrator count is within range', severity: 'high' },
  { id: 'CRW-ID-03', title: 'Privileged roles are assigned just-in-time', severity: 'medium' },
  { id: 'CRW-ID-04', title: 'Administrators use separate accounts without a mailbox', severity: 'medium' },
  { id: 'CRW-ID-05', title: 'Administrator accounts are cloud-only', severity: 'medium' },
  { id: 'CRW-ID-06', title: 'Conditional Access requires MFA for administrators', severity: 'high' },
  { id: 'CRW-ID-07', title: 'Legacy authentication is blocked', severity: 'high' },
  { id: 'CRW-ID-08', title: 'No accounts are excluded from MFA policies', severity: 'medium' },
  { id: 'CRW-ID-09', title: 'No stale enabled accounts', severity: 'medium' },
  { id: 'CRW-ID-10', title: 'Baseline identity protection is on', severity: 'high' },
  { id: 'CRW-EXO-01', title: 'Mailbox auditing is on by default', severity: 'high' },
  { id: 'CRW-EXO-02', title: 'Unified audit log ingestion is enabled', severity: 'high' },
  { id: 'CRW-EXO-03', title: 'Every mailbox is audited', severity: 'medium' },
  { id: 'CRW-EXO-04', title: 'No mailbox forwards to external domains', severity: 'high' },
  { id: 'CRW-EXO-05', title: 'No inbox rule forwards to external recipients', severity: 'high' },
  { id: 'CRW-EXO-06', title: 'Automatic external forwarding is blocked org-wide', severity: 'high' },
];
