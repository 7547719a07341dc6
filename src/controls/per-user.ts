import type { PrivilegedUser } from '../collectors/types';
import { errorOutcome, outcomeFromFindings, part, type ControlContext, type ControlOutcome } from './control';
import { holders } from './privileged-users';

/**
 * Privileged users by id (holders of the configured privileged roles), or null if unknown. Enabled or not: the
 * judges read accountEnabled from the streamed user, and preparing a judge must never throw.
 */
export function privilegedById(context: ControlContext): Map<string, PrivilegedUser> | null {
  const access = context.privilegedAccess;
  if (!access.ok) return null;
  const roleIds = new Set(context.settings.privilegedRoles);
  return new Map(holders(access.value.users, roleIds).map((u) => [u.id, u]));
}

/**
 * The outcome of a per-user control from the stream's findings, or why it could not run: the stream failed, or
 * the control met a user it could not judge (its findings are then incomplete).
 */
export function userScanOutcome(context: ControlContext, controlId: string): ControlOutcome {
  const scan = part(context.userScan);
  if (!scan.ok) return errorOutcome(`users could not be read: ${scan.reason}`);
  const shapeError = scan.value.shapeErrors?.[controlId];
  if (shapeError !== undefined) return errorOutcome(shapeError);
  return outcomeFromFindings([...(scan.value.findings.get(controlId) ?? [])]);
}

export function privilegedAccessError(context: ControlContext): ControlOutcome | null {
  const access = context.privilegedAccess;
  return access.ok ? null : errorOutcome(`privileged users could not be read: ${access.reason}`);
}
