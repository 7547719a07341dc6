// Ground truth of the account controls: CRW-ID-04 (admins without a mailbox), CRW-ID-05 (cloud-only admins),
// CRW-ID-09 (no stale enabled members).
import { sortedNames, statusOf, type GroundTruthContext } from './ground-truth-context';
import type { GroundTruthControl } from './ground-truth';
import { lastSignInMs, ORDINARY_MEMBER_MAX_SIGN_IN_AGE_DAYS } from './sign-ins';
import { DAY_MS } from './time';

export function accountControls(context: GroundTruthContext): GroundTruthControl[] {
  return [adminsWithoutMailbox(context), adminsCloudOnly(context), noStaleMembers(context)];
}

/** CRW-ID-04: enabled privileged users with a licence whose SKU enables a mailbox plan (population.ts). */
function adminsWithoutMailbox({ users }: GroundTruthContext): GroundTruthControl {
  const findingAssetNames = sortedNames(
    users
      .filter((user) => user.privileged && user.accountEnabled && user.mailbox)
      .map((user) => user.userPrincipalName),
  );
  return { id: 'CRW-ID-04', status: statusOf(findingAssetNames), findingAssetNames };
}

/** CRW-ID-05: enabled privileged users synchronised from on-premises (onPremisesSyncEnabled true). */
function adminsCloudOnly({ users }: GroundTruthContext): GroundTruthControl {
  const findingAssetNames = sortedNames(
    users
      .filter((user) => user.privileged && user.accountEnabled && user.onPremisesSyncEnabled === true)
      .map((user) => user.userPrincipalName),
  );
  return { id: 'CRW-ID-05', status: statusOf(findingAssetNames), findingAssetNames };
}

/**
 * CRW-ID-09: enabled members (not break-glass) created more than staleDays before now (or with a null creation
 * date) whose latest sign-in is older than staleDays or absent. Only the plan's users can be stale members
 * (sign-ins.ts), so the plan decides for any staleDays from ORDINARY_MEMBER_MAX_SIGN_IN_AGE_DAYS up.
 */
function noStaleMembers({
  licences,
  users,
  isBreakGlass,
  staleDays,
  nowMs,
}: GroundTruthContext): GroundTruthControl {
  if (!licences.p1) {
    return {
      id: 'CRW-ID-09',
      status: 'error',
      findingAssetNames: [],
      reason: 'signInActivity needs Entra ID P1',
    };
  }
  if (staleDays < ORDINARY_MEMBER_MAX_SIGN_IN_AGE_DAYS) {
    throw new RangeError(
      `The ground truth of CRW-ID-09 needs staleDays >= ${ORDINARY_MEMBER_MAX_SIGN_IN_AGE_DAYS} (got ${staleDays}).`,
    );
  }
  const cutoff = nowMs - staleDays * DAY_MS;
  const stale = users.filter((user) => {
    if (!user.accountEnabled || user.userType !== 'Member' || isBreakGlass(user.userPrincipalName))
      return false;
    const old = user.createdDateTime === null || Date.parse(user.createdDateTime) < cutoff;
    const last = lastSignInMs(user.signInActivity);
    return old && (last === undefined || last < cutoff);
  });
  const findingAssetNames = sortedNames(stale.map((user) => user.userPrincipalName));
  const highSeverityAssetNames = sortedNames(
    stale.filter((user) => user.privileged).map((user) => user.userPrincipalName),
  );
  return { id: 'CRW-ID-09', status: statusOf(findingAssetNames), findingAssetNames, highSeverityAssetNames };
}
