import { CATALOGUE, IMPLEMENTED_CONTROLS } from './catalogue';
import type { ControlContext, ControlOutcome } from './control';
import { DataShapeError } from './data-shape-error';
import type { ControlResult } from './types';

/**
 * Evaluates every catalogue control for one tenant: selected and implemented ones run, the rest are
 * `skipped` with the reason. A control that throws becomes `error` (DataShapeError: with the asset, field and
 * value it could not judge); it never fails the others. `blocked`
 * maps the ids of controls that cannot run (e.g. a missing permission) to their `error` reason.
 */
export function evaluateControls(
  selected: readonly string[],
  context: ControlContext,
  blocked: ReadonlyMap<string, string> = new Map(),
): ControlResult[] {
  const wanted = new Set(selected);
  return CATALOGUE.map((entry) => {
    const control = IMPLEMENTED_CONTROLS.find((c) => c.meta.id === entry.id);
    const base = {
      id: entry.id,
      title: control?.meta.title ?? entry.title,
      severity: control?.meta.severity ?? entry.severity,
      references: control ? [...control.meta.references] : [],
    };
    let outcome: ControlOutcome;
    if (!wanted.has(entry.id))
      outcome = { status: 'skipped', reason: 'not selected for this tenant', findings: [] };
    else if (!control)
      outcome = { status: 'skipped', reason: 'not implemented in this version', findings: [] };
    else if (blocked.has(entry.id))
      outcome = { status: 'error', reason: blocked.get(entry.id) ?? 'cannot run', findings: [] };
    else outcome = safeEvaluate(() => control.evaluate(context));
    return { ...base, ...outcome };
  });
}

/** A control that meets data it cannot judge (DataShapeError) is `error` with that reason, as is one that fails. */
function safeEvaluate(evaluate: () => ControlOutcome): ControlOutcome {
  try {
    return evaluate();
  } catch (err) {
    if (err instanceof DataShapeError) return { status: 'error', reason: err.reason, findings: [] };
    return { status: 'error', reason: `evaluation failed: ${(err as Error).message}`, findings: [] };
  }
}
