import type { Collected, PrivilegedAccess, RegistrationRecord } from '../collectors/types';
import type { ControlStatus, Finding, Severity } from './types';

/** What a control is, independent of any run: shown in the report, results.json and metrics. */
export interface ControlMeta {
  id: string;
  title: string;
  severity: Severity;
  /** CIS Microsoft 365 Foundations Benchmark and CISA SCuBA baseline ids. */
  references: string[];
  /** Least-privilege Graph application permissions the control's data needs. */
  graphPermissions: string[];
  /** Exchange Online role the control needs (Exchange.ManageAsApp plus this directory role). */
  exchangeRole: string | null;
  remediation: string;
}

/** Tenant settings the controls read (CONTROLS.md), fully resolved with defaults. */
export interface ControlSettings {
  privilegedRoles: readonly string[];
  breakGlass: readonly string[];
  staleDays: number;
  globalAdminRange: readonly [number, number];
}

/** The tenant-wide input of the controls: small data only (a million users never sit here). */
export interface ControlContext {
  tenant: { name: string; tenantId: string };
  settings: ControlSettings;
  privilegedAccess: Collected<PrivilegedAccess>;
  registrations: Collected<ReadonlyMap<string, RegistrationRecord>>;
}

export interface ControlOutcome {
  status: ControlStatus;
  reason: string | null;
  findings: Finding[];
}

/** The collected parts of the context; a scan collects only those that a runnable control reads. */
export type CollectedPart = Exclude<keyof ControlContext, 'tenant' | 'settings'>;

export interface Control {
  meta: ControlMeta;
  /** The collected data evaluate() reads (a control blocked by a missing permission saves its collection). */
  reads: readonly CollectedPart[];
  /** Pure: no I/O, no clock; the same context gives the same outcome. */
  evaluate(context: ControlContext): ControlOutcome;
}

export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

export function errorOutcome(reason: string): ControlOutcome {
  return { status: 'error', reason, findings: [] };
}

export function outcomeFromFindings(findings: Finding[]): ControlOutcome {
  return { status: findings.length > 0 ? 'fail' : 'pass', reason: null, findings };
}
