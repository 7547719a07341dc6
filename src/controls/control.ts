import type {
  Collected,
  ConditionalAccessExclusions,
  ConditionalAccessState,
  PermanentAssignment,
  PrivilegedAccess,
  RegistrationRecord,
  ScannedUser,
  SubscribedSku,
} from '../collectors/types';
import type { AcceptedDomain, ExchangeOrganization, MailboxWithRules } from '../collectors/exchange-types';
import type { ShapeErrors } from './judge-assets';
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
  /** The instant the controls judge against (ID-09's staleness): an input, never the clock. */
  now: Date;
  privilegedAccess: Collected<PrivilegedAccess>;
  registrations: Collected<ReadonlyMap<string, RegistrationRecord>>;
  // The parts below are absent when no control of the scan reads them (same as "not collected").
  permanentAssignments?: Collected<readonly PermanentAssignment[]>;
  subscribedSkus?: Collected<ReadonlyMap<string, SubscribedSku>>;
  conditionalAccess?: Collected<ConditionalAccessState>;
  conditionalAccessExclusions?: Collected<ConditionalAccessExclusions>;
  /** What the per-user controls found while every user streamed past once. */
  userScan?: Collected<UserScan>;
  exchangeOrganization?: Collected<ExchangeOrganization>;
  acceptedDomains?: Collected<readonly AcceptedDomain[]>;
  /** What the per-mailbox controls found while every mailbox streamed past once. */
  mailboxScan?: Collected<MailboxScan>;
}

/** The result of streaming the mailboxes (with their inbox rules) through the per-mailbox controls. */
export interface MailboxScan {
  /** Findings of each per-mailbox control, by control id. */
  findings: ReadonlyMap<string, readonly Finding[]>;
  /** Whether the mailboxes carried their inbox rules, with the reason if not. */
  inboxRules: Collected<true>;
  /** Controls that met a mailbox they could not judge, with the `error` reason (judgeAsset, judge-assets.ts). */
  shapeErrors?: ShapeErrors;
}

/**
 * A per-mailbox judgement, prepared once per tenant. Throws DataShapeError for a mailbox lacking a field it
 * needs; run it through judgeAsset (judge-assets.ts), which records that as the control's `error`.
 */
export type MailboxJudge = (mailbox: MailboxWithRules) => Finding[];

/** The result of streaming the users through the per-user controls. */
export interface UserScan {
  /** Findings of each per-user control, by control id. */
  findings: ReadonlyMap<string, readonly Finding[]>;
  /** Whether the users carried signInActivity (Entra ID P1 and AuditLog.Read.All), with the reason if not. */
  signInActivity: Collected<true>;
  /** Controls that met a user they could not judge, with the `error` reason (judgeAsset, judge-assets.ts). */
  shapeErrors?: ShapeErrors;
}

/**
 * A per-user judgement, prepared once per tenant so that each of a million users costs O(1). Throws
 * DataShapeError for a user lacking a field it needs; run it through judgeAsset (judge-assets.ts).
 */
export type UserJudge = (user: ScannedUser) => Finding | null;

export interface ControlOutcome {
  status: ControlStatus;
  reason: string | null;
  findings: Finding[];
}

/** The collected parts of the context; a scan collects only those that a runnable control reads. */
export type CollectedPart = Exclude<keyof ControlContext, 'tenant' | 'settings' | 'now'>;

export interface Control {
  meta: ControlMeta;
  /** The collected data evaluate() reads (a control blocked by a missing permission saves its collection). */
  reads: readonly CollectedPart[];
  /** Pure: no I/O, no clock; the same context gives the same outcome. */
  evaluate(context: ControlContext): ControlOutcome;
  /**
   * Per-user controls: the judge each streamed user goes through (the context lacks `userScan` then); its
   * findings come back to evaluate() in `context.userScan`. null when the context does not allow judging.
   * Preparing the judge never throws; the judge itself may throw DataShapeError (see UserJudge).
   */
  judgeUsers?(context: ControlContext): UserJudge | null;
  /** The user stream must carry signInActivity for this control. */
  readsSignInActivity?: boolean;
  /**
   * Per-mailbox controls: the judge each streamed mailbox goes through (the context lacks `mailboxScan` then);
   * its findings come back to evaluate() in `context.mailboxScan`. null when the context does not allow judging.
   * Preparing the judge never throws; the judge itself may throw DataShapeError (see MailboxJudge).
   */
  judgeMailboxes?(context: ControlContext): MailboxJudge | null;
  /** The mailbox stream must carry each mailbox's inbox rules (Graph) for this control. */
  readsInboxRules?: boolean;
}

export const NOT_COLLECTED = 'not collected in this scan';

/** A part of the context, "not collected" when absent. */
export function part<T>(collected: Collected<T> | undefined): Collected<T> {
  return collected ?? { ok: false, reason: NOT_COLLECTED };
}

export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

export function errorOutcome(reason: string): ControlOutcome {
  return { status: 'error', reason, findings: [] };
}

/** A tenant-level finding: the tenant's configured name is its asset name (CONTROLS.md). */
export function tenantFinding(context: Pick<ControlContext, 'tenant'>, detail: string): Finding {
  return { assetType: 'tenant', assetId: context.tenant.tenantId, assetName: context.tenant.name, detail };
}

export function outcomeFromFindings(findings: Finding[]): ControlOutcome {
  return { status: findings.length > 0 ? 'fail' : 'pass', reason: null, findings };
}
