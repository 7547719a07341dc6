import type { PrivilegedUser } from '../collectors/types';
import { errorOutcome, outcomeFromFindings, part, type ControlContext, type ControlOutcome } from './control';
import { enabledHolders } from './privileged-users';

/** Enabled privileged users by id (roles limited to the configured privileged roles), or null if unknown. */
export function privilegedById(context: ControlContext): Map<string, PrivilegedUser> | null {
  const access = context.privilegedAccess;
  if (!access.ok) return null;
  const roleIds = new Set(context.settings.privilegedRoles);
  return new Map(enabledHolders(access.value.users, roleIds).map((u) => [u.id, u]));
}

/** The outcome of a per-user control from the stream's findings (or why it could not run). */
export function userScanOutcome(context: ControlContext, controlId: string): ControlOutcome {
  const scan = part(context.userScan);
  if (!scan.ok) return errorOutcome(`users could not be read: ${scan.reason}`);
  return outcomeFromFindings([...(scan.value.findings.get(controlId) ?? [])]);
}

export function privilegedAccessError(context: ControlContext): ControlOutcome | null {
  const access = context.privilegedAccess;
  return access.ok ? null : errorOutcome(`privileged users could not be read: ${access.reason}`);
}
