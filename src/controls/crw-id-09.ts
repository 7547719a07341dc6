import type { SignInActivity } from '../collectors/types';
import { breakGlassMatcher } from './ca-rules';
import { errorOutcome, part, type Control, type ControlContext } from './control';
import { allHold, condition } from './data-shape-error';
import { privilegedAccessError, privilegedById, userScanOutcome } from './per-user';
import { createdAt, isEnabled, isMember, requireReadableSignIns } from './user-fields';

const DAY_MS = 86_400_000;

/** CRW-ID-09: no enabled member (but break-glass) older than staleDays has gone staleDays without a sign-in. */
export const crwId09: Control = {
  meta: {
    id: 'CRW-ID-09',
    title: 'No stale enabled accounts',
    severity: 'medium',
    references: [],
    graphPermissions: [
      'RoleManagement.Read.Directory',
      'RoleEligibilitySchedule.Read.Directory',
      'User.Read.All',
      'GroupMember.Read.All',
      'AuditLog.Read.All',
    ],
    exchangeRole: null,
    remediation:
      "Confirm with each listed user's manager whether the account is still needed; disable it (block sign-in) if not, and delete it after the retention period. Start with the high-severity ones: unused privileged accounts are prime targets. Access reviews for inactive users automate this.",
  },
  reads: ['privilegedAccess', 'userScan'],
  readsSignInActivity: true,
  judgeUsers(context: ControlContext) {
    const privileged = privilegedById(context);
    if (!privileged) return null;
    const isBreakGlass = breakGlassMatcher(context.settings.breakGlass);
    const cutoff = context.now.getTime() - context.settings.staleDays * DAY_MS;
    return (user) => {
      // Without signInActivity (no P1) nothing can be judged; evaluate() reports why.
      if (user.signInActivity === undefined) return null;
      if (isBreakGlass(user.userPrincipalName)) return null;
      const last = lastSignIn(user.signInActivity);
      const stale = allHold([
        condition(() => isEnabled(user)),
        condition(() => isMember(user)),
        // A null creation date counts as old (accounts from before Graph recorded it).
        condition(() => {
          const created = createdAt(user);
          return created === null || created < cutoff;
        }),
        // A sign-in field Graph sent in another shape matters only if the others leave the user stale.
        condition(() => {
          if (last !== null && !(last < cutoff)) return false;
          requireReadableSignIns(user);
          return true;
        }),
      ]);
      if (!stale) return null;
      const isPrivileged = privileged.has(user.id);
      return {
        assetType: 'user',
        assetId: user.id,
        assetName: user.userPrincipalName,
        detail:
          (last === null
            ? `no sign-in recorded in the last ${context.settings.staleDays} days or ever`
            : `last sign-in ${new Date(last).toISOString()}, more than ${context.settings.staleDays} days ago`) +
          (isPrivileged ? '; privileged user' : ''),
        ...(isPrivileged ? { severity: 'high' as const } : {}),
      };
    };
  },
  evaluate(context: ControlContext) {
    const scan = part(context.userScan);
    if (scan.ok && !scan.value.signInActivity.ok) return errorOutcome(scan.value.signInActivity.reason);
    return privilegedAccessError(context) ?? userScanOutcome(context, 'CRW-ID-09');
  },
};

/** Latest of the three sign-in fields that are present; null or 0001-01-01 means never. Epoch ms or null. */
export function lastSignIn(activity: SignInActivity | null): number | null {
  if (!activity) return null;
  let latest: number | null = null;
  for (const value of [
    activity.lastSignInDateTime,
    activity.lastNonInteractiveSignInDateTime,
    activity.lastSuccessfulSignInDateTime,
  ]) {
    if (value === null || value.startsWith('0001-01-01')) continue;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) continue;
    if (latest === null || ms > latest) latest = ms;
  }
  return latest;
}
