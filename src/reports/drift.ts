// Drift between two runs of one tenant: what the Changes sheet and the Summary's "change since last run" show.
// Pure. A finding is the same finding in both runs when control, asset type, asset id and detail are all equal: a
// finding whose detail changed (e.g. another rule recipient) is reported as resolved in its old form and new in
// its new one, which is exactly what a reviewer needs to look at again.

import { createHash } from 'node:crypto';

import type { ControlStatus, Finding, RunResults, Severity } from '../controls/types';
import { compareCodeUnits, compareFindings } from './results-json';

export interface DriftFinding {
  controlId: string;
  severity: Severity;
  finding: Finding;
}

export interface StatusChange {
  controlId: string;
  title: string;
  from: ControlStatus;
  to: ControlStatus;
}

export interface Drift {
  /** The run compared against; null for a tenant's first run (nothing is "new" then). */
  previous: { runId: string; startedAt: string } | null;
  newFindings: DriftFinding[];
  resolvedFindings: DriftFinding[];
  statusChanges: StatusChange[];
  /** Per control id: findings new in this run and resolved since the previous one. */
  perControl: ReadonlyMap<string, { added: number; resolved: number; previousStatus: ControlStatus | null }>;
  /**
   * The findings of this run that the previous run had too, by findingKey, with when each was first seen (ISO).
   * Any other finding of this run is new: first seen at this run's start.
   */
  persisting: ReadonlyMap<string, string>;
}

/**
 * A finding's identity across runs (see the top of this file), as a SHA-1 digest: the maps of two runs' findings
 * hold 27-character keys instead of every detail text twice over.
 */
export function findingKey(controlId: string, finding: Finding): string {
  return createHash('sha1')
    .update([controlId, finding.assetType, finding.assetId, finding.detail].join('\u0000'))
    .digest('base64');
}

/** Findings of one run that the other run does not have, in results order (control id, then finding order). */
function findingsMissingFrom(source: RunResults, other: { has(key: string): boolean }): DriftFinding[] {
  const missing: DriftFinding[] = [];
  for (const control of [...source.controls].sort((a, b) => compareCodeUnits(a.id, b.id))) {
    for (const finding of [...control.findings].sort(compareFindings)) {
      if (!other.has(findingKey(control.id, finding)))
        missing.push({ controlId: control.id, severity: finding.severity ?? control.severity, finding });
    }
  }
  return missing;
}

/** The previous run's findings by findingKey, each with when it was first seen (`recorded`, else that run's start). */
function sightings(results: RunResults, recorded: ReadonlyMap<string, string>): Map<string, string> {
  const seen = new Map<string, string>();
  for (const control of results.controls) {
    for (const finding of control.findings) {
      const key = findingKey(control.id, finding);
      seen.set(key, recorded.get(key) ?? results.startedAt);
    }
  }
  return seen;
}

/**
 * Drift of `current` against the tenant's previous complete run (null: the first run). `previousFirstSeen` is
 * what that run recorded of its own findings' first sightings (first-seen.json), by findingKey.
 */
export function computeDrift(
  previous: RunResults | null,
  current: RunResults,
  previousFirstSeen: ReadonlyMap<string, string> = new Map(),
): Drift {
  if (previous === null) {
    return {
      previous: null,
      newFindings: [],
      resolvedFindings: [],
      statusChanges: [],
      perControl: new Map(
        current.controls.map((c) => [c.id, { added: 0, resolved: 0, previousStatus: null }]),
      ),
      persisting: new Map(),
    };
  }
  const before = sightings(previous, previousFirstSeen);
  const persisting = new Map<string, string>();
  for (const control of current.controls) {
    for (const finding of control.findings) {
      const key = findingKey(control.id, finding);
      const firstSeen = before.get(key);
      if (firstSeen !== undefined) persisting.set(key, firstSeen);
    }
  }
  const newFindings = findingsMissingFrom(current, persisting);
  const resolvedFindings = findingsMissingFrom(previous, persisting);
  const beforeStatus = new Map(previous.controls.map((c) => [c.id, c.status]));
  const statusChanges: StatusChange[] = [];
  const perControl = new Map<
    string,
    { added: number; resolved: number; previousStatus: ControlStatus | null }
  >();
  for (const control of current.controls) {
    const from = beforeStatus.get(control.id) ?? null;
    if (from !== null && from !== control.status)
      statusChanges.push({ controlId: control.id, title: control.title, from, to: control.status });
    perControl.set(control.id, { added: 0, resolved: 0, previousStatus: from });
  }
  for (const f of newFindings) {
    const counts = perControl.get(f.controlId);
    if (counts) counts.added++;
  }
  for (const f of resolvedFindings) {
    const counts = perControl.get(f.controlId);
    if (counts) counts.resolved++;
  }
  statusChanges.sort((a, b) => compareCodeUnits(a.controlId, b.controlId));
  return {
    previous: { runId: previous.runId, startedAt: previous.startedAt },
    newFindings,
    resolvedFindings,
    statusChanges,
    perControl,
    persisting,
  };
}

/** The Summary's "change since last run" text of one control. */
export function describeControlChange(drift: Drift, controlId: string, status: ControlStatus): string {
  if (drift.previous === null) return 'first run';
  const change = drift.perControl.get(controlId);
  if (!change || change.previousStatus === null) return 'not in the previous run';
  const parts: string[] = [];
  if (change.previousStatus !== status) parts.push(`${change.previousStatus} → ${status}`);
  if (change.added > 0) parts.push(`${change.added} new`);
  if (change.resolved > 0) parts.push(`${change.resolved} resolved`);
  return parts.length === 0 ? 'no change' : parts.join(', ');
}
