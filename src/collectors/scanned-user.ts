import { toDirectoryUser } from './directory-user';
import { noteUnexpected, unexpectedPart } from './shape';
import type { AssignedLicense, ScannedUser, SignInActivity } from './types';

const SIGN_IN_FIELDS = [
  'lastSignInDateTime',
  'lastNonInteractiveSignInDateTime',
  'lastSuccessfulSignInDateTime',
] as const;

/**
 * One user of the /users stream as the per-user controls read it. Nulls Graph documents stay null (no creation
 * date, never synchronised, never signed in); values of another type, unreadable dates and malformed licences
 * are noted in `unexpected`, for the control that needs them to report `error` instead of guessing.
 */
export function toScannedUser(item: Record<string, unknown>, withSignIns: boolean): ScannedUser {
  const directoryUser = toDirectoryUser(item);
  const notes: Record<string, string> = { ...directoryUser.unexpected };
  const user: ScannedUser = {
    ...directoryUser,
    createdDateTime: dateOrNull(notes, 'createdDateTime', item.createdDateTime),
    onPremisesSyncEnabled:
      item.onPremisesSyncEnabled === null || typeof item.onPremisesSyncEnabled === 'boolean'
        ? (item.onPremisesSyncEnabled as boolean | null)
        : noteUnexpected(notes, 'onPremisesSyncEnabled', item.onPremisesSyncEnabled),
    assignedLicenses: assignedLicenses(notes, item.assignedLicenses),
  };
  if (withSignIns) user.signInActivity = signInActivity(notes, item.signInActivity);
  return { ...user, ...unexpectedPart(notes) };
}

/** An ISO date, or null when Graph sent null (or nothing); anything else is noted. */
function dateOrNull(notes: Record<string, string>, field: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
  return noteUnexpected(notes, field, value);
}

function assignedLicenses(notes: Record<string, string>, value: unknown): AssignedLicense[] | null {
  if (!Array.isArray(value)) return noteUnexpected(notes, 'assignedLicenses', value);
  const licences: AssignedLicense[] = [];
  for (const [i, entry] of value.entries()) {
    const licence = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof licence.skuId !== 'string')
      return noteUnexpected(notes, `assignedLicenses[${i}].skuId`, licence.skuId);
    const disabled = licence.disabledPlans;
    if (!Array.isArray(disabled) || !disabled.every((p) => typeof p === 'string'))
      return noteUnexpected(notes, `assignedLicenses[${i}].disabledPlans`, disabled);
    licences.push({ skuId: licence.skuId, disabledPlans: disabled as string[] });
  }
  return licences;
}

function signInActivity(notes: Record<string, string>, value: unknown): SignInActivity | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    return noteUnexpected(notes, 'signInActivity', value);
  const item = value as Record<string, unknown>;
  const activity: SignInActivity = {
    lastSignInDateTime: null,
    lastNonInteractiveSignInDateTime: null,
    lastSuccessfulSignInDateTime: null,
  };
  for (const field of SIGN_IN_FIELDS)
    activity[field] = dateOrNull(notes, `signInActivity.${field}`, item[field]);
  return activity;
}
