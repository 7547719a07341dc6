// first-seen.json, beside results.json: when each finding of the run was first seen, so that the next run can
// carry the date over for a finding that persists (results.json itself follows CONTROLS.md exactly, with no room
// for it). The dates are listed per control in the order of that control's findings in results.json:
//   { "schemaVersion": 1, "runId": "…", "firstSeen": { "CRW-ID-01": ["2026-11-02T03:00:00.000Z", …], … } }

import * as fs from 'node:fs';

import type { RunResults } from '../controls/types';
import { findingKey, type Drift } from './drift';

/** first-seen.json as text pieces, findings in results order: a million findings are never one string. */
export function* firstSeenChunks(results: RunResults, drift: Drift): Generator<string> {
  yield `{"schemaVersion":1,"runId":${JSON.stringify(results.runId)},"firstSeen":{`;
  let firstControl = true;
  for (const control of results.controls) {
    yield `${firstControl ? '' : ','}${JSON.stringify(control.id)}:[`;
    firstControl = false;
    let firstFinding = true;
    for (const finding of control.findings) {
      const seen =
        drift.persisting.size === 0 ? undefined : drift.persisting.get(findingKey(control.id, finding));
      yield `${firstFinding ? '' : ','}${JSON.stringify(seen ?? results.startedAt)}`;
      firstFinding = false;
    }
    yield ']';
  }
  yield '}}';
}

/**
 * What a stored run recorded of its findings' first sightings, by findingKey. Throws with the reason when the file
 * does not belong to `results` (another run, other findings); ENOENT when the run predates first-seen.json.
 */
export function readFirstSeen(filePath: string, results: RunResults): Map<string, string> {
  const parsed = JSON.parse(fs.readFileSync(filePath, 'utf8')) as {
    schemaVersion?: unknown;
    runId?: unknown;
    firstSeen?: Record<string, unknown>;
  };
  if (parsed.schemaVersion !== 1 || typeof parsed.firstSeen !== 'object' || parsed.firstSeen === null)
    throw new Error(`${filePath} is not a first-seen.json of schemaVersion 1`);
  if (parsed.runId !== results.runId)
    throw new Error(`${filePath} belongs to run ${String(parsed.runId)}, not ${results.runId}`);
  const firstSeen = new Map<string, string>();
  for (const control of results.controls) {
    const dates = parsed.firstSeen[control.id];
    if (!Array.isArray(dates) || dates.length !== control.findings.length)
      throw new Error(`${filePath} does not list one date per finding of ${control.id}`);
    control.findings.forEach((finding, index) => {
      const date: unknown = dates[index];
      if (typeof date === 'string') firstSeen.set(findingKey(control.id, finding), date);
    });
  }
  return firstSeen;
}
