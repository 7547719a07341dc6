// The judged fields of a user as the controls need them: the value, or a DataShapeError naming the user, the field
// and the value Graph sent (collectors keep such fields null and note them, see collectors/shape.ts).
import type { AssignedLicense, DirectoryUser, ScannedUser } from '../collectors/types';
import { DataShapeError, notedUnder, sentValue } from './data-shape-error';

export function describeUser(user: DirectoryUser): string {
  return `user ${user.userPrincipalName} (${user.id})`;
}

/** accountEnabled must be true or false: a control cannot tell whether a user of unknown state counts. */
export function isEnabled(user: DirectoryUser): boolean {
  if (user.accountEnabled !== null) return user.accountEnabled;
  throw shapeError(user, 'accountEnabled', user.accountEnabled, 'true or false');
}

/**
 * Member or Guest, the documented values. Any other (a type this version does not know, or none) cannot be told
 * apart from a member, so a control that judges members only cannot judge that user.
 */
export function isMember(user: DirectoryUser): boolean {
  if (user.userType === 'Member') return true;
  if (user.userType === 'Guest') return false;
  throw shapeError(user, 'userType', user.userType, 'Member or Guest');
}

/** onPremisesSyncEnabled: true when synchronised; false or null (never synchronised, documented) otherwise. */
export function isSynchronised(user: ScannedUser): boolean {
  const noted = notedUnder(user, 'onPremisesSyncEnabled');
  if (noted) throw new DataShapeError(describeUser(user), noted.field, noted.value, 'true, false or null');
  return user.onPremisesSyncEnabled === true;
}

export function assignedLicenses(user: ScannedUser): AssignedLicense[] {
  if (user.assignedLicenses !== null) return user.assignedLicenses;
  const noted = notedUnder(user, 'assignedLicenses') ?? { field: 'assignedLicenses', value: 'null' };
  throw new DataShapeError(
    describeUser(user),
    noted.field,
    noted.value,
    'an array of { skuId, disabledPlans[] } (Graph sends [] for no licence)',
  );
}

/** createdDateTime in epoch ms; null when Graph has none (documented: such an account counts as old). */
export function createdAt(user: ScannedUser): number | null {
  const noted = notedUnder(user, 'createdDateTime');
  if (noted) throw new DataShapeError(describeUser(user), noted.field, noted.value, 'an ISO date or null');
  return user.createdDateTime === null ? null : Date.parse(user.createdDateTime);
}

/** Throws when a sign-in field came in another shape: it might hold a later sign-in than the others. */
export function requireReadableSignIns(user: ScannedUser): void {
  const noted = notedUnder(user, 'signInActivity');
  if (noted) throw new DataShapeError(describeUser(user), noted.field, noted.value, 'an ISO date or null');
}

function shapeError(user: DirectoryUser, field: string, typed: unknown, expected: string): DataShapeError {
  return new DataShapeError(describeUser(user), field, sentValue(user, field, typed), expected);
}
