// The result model shared by controls, reports, results.json and metrics (shared/CONTROLS.md).

export type Severity = 'low' | 'medium' | 'high';
export type ControlStatus = 'pass' | 'fail' | 'error' | 'skipped';
export type AssetType = 'user' | 'mailbox' | 'policy' | 'rule' | 'tenant';

export interface Finding {
  assetType: AssetType;
  /** Object id (users, policies), mailbox identity, or tenant id for tenant-level findings. */
  assetId: string;
  /** UPN for users, primary SMTP address for mailboxes, policy display name, tenant name for tenant findings. */
  assetName: string;
  detail: string;
  /** Overrides the control's severity for this finding only. */
  severity?: Severity;
}

export interface ControlResult {
  id: string;
  title: string;
  severity: Severity;
  status: ControlStatus;
  reason: string | null;
  references: string[];
  findings: Finding[];
}

export interface ResultsSummary {
  pass: number;
  fail: number;
  error: number;
  skipped: number;
  findings: number;
}

/** The content of results.json (schemaVersion 1). */
export interface RunResults {
  schemaVersion: 1;
  tenant: { name: string; tenantId: string };
  runId: string;
  startedAt: string;
  finishedAt: string;
  controls: ControlResult[];
  summary: ResultsSummary;
}
