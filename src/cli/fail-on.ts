import type { RunResults, Severity } from '../controls/types';
import { UsageError } from './exit-codes';

const RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3 };

/** `--fail-on high|medium|low`: the lowest severity of a failed control that makes the command exit 1. */
export function parseFailOn(value: string | undefined): Severity | null {
  if (value === undefined) return null;
  if (value === 'high' || value === 'medium' || value === 'low') return value;
  throw new UsageError(`--fail-on "${value}": expected high, medium or low`);
}

export function failsAt(results: RunResults, threshold: Severity): boolean {
  return results.controls.some(
    (c) =>
      c.status === 'fail' &&
      (RANK[c.severity] >= RANK[threshold] ||
        c.findings.some((f) => f.severity !== undefined && RANK[f.severity] >= RANK[threshold])),
  );
}
