// user.signInActivity of a generated user: what the admin plan fixes for its users, otherwise a pure function of
// (seed, index) and the user's traits. Ordinary enabled members who are not new always signed in within
// ORDINARY_MEMBER_MAX_SIGN_IN_AGE_DAYS, so only the plan's users can be stale members (the ground truth relies on
// it for any staleDays >= that bound). Guests and disabled accounts are often stale: noise a scanner must skip.
import { hashedGuid, REFERENCE_TIME_MS, seededRandom } from './ids';
import { DAY_MS, graphDateTime, YEAR_ONE } from './time';

export const ORDINARY_MEMBER_MAX_SIGN_IN_AGE_DAYS = 30;

const STREAM_SIGN_IN = 0x51;

/** Days before the reference time, or Graph's two ways of saying "never": null and 0001-01-01T00:00:00Z. */
export type SignInAge = number | 'null' | 'yearOne';

/** The plan's sign-in record of a user; 'none' = signInActivity itself is null (never signed in). */
export type PlannedSignIn =
  'none' | { interactive: SignInAge; nonInteractive: SignInAge; successful: SignInAge };

export interface SimSignInActivity {
  lastSignInDateTime: string | null;
  lastSignInRequestId: string | null;
  lastNonInteractiveSignInDateTime: string | null;
  lastNonInteractiveSignInRequestId: string | null;
  lastSuccessfulSignInDateTime: string | null;
  lastSuccessfulSignInRequestId: string | null;
}

export interface SignInFacts {
  /** Creation instant; null when createdDateTime is null. */
  createdMs: number | null;
  accountEnabled: boolean;
  userType: 'Member' | 'Guest';
  isNew: boolean;
}

export function signInActivity(
  seed: number,
  index: number,
  facts: SignInFacts,
  planned?: PlannedSignIn,
): SimSignInActivity | null {
  const record = planned ?? ordinarySignIn(seed, index, facts);
  if (record === 'none') return null;
  const field = (age: SignInAge, kind: number): [string | null, string | null] => {
    if (age === 'null') return [null, null];
    // Graph pairs the year-one date with an empty request id.
    if (age === 'yearOne') return [YEAR_ONE, ''];
    const requestId = hashedGuid(seed, STREAM_SIGN_IN, index, kind, Math.round(age * 24));
    return [graphDateTime(REFERENCE_TIME_MS - age * DAY_MS), requestId];
  };
  const [lastSignInDateTime, lastSignInRequestId] = field(record.interactive, 1);
  const [lastNonInteractiveSignInDateTime, lastNonInteractiveSignInRequestId] = field(
    record.nonInteractive,
    2,
  );
  const [lastSuccessfulSignInDateTime, lastSuccessfulSignInRequestId] = field(record.successful, 3);
  return {
    lastSignInDateTime,
    lastSignInRequestId,
    lastNonInteractiveSignInDateTime,
    lastNonInteractiveSignInRequestId,
    lastSuccessfulSignInDateTime,
    lastSuccessfulSignInRequestId,
  };
}

/** CONTROLS.md ID-09: the latest of the three dates that are present (null and year one mean never). */
export function lastSignInMs(activity: SimSignInActivity | null): number | undefined {
  if (!activity) return undefined;
  const dates = [
    activity.lastSignInDateTime,
    activity.lastNonInteractiveSignInDateTime,
    activity.lastSuccessfulSignInDateTime,
  ].filter((value): value is string => value !== null && value !== YEAR_ONE);
  return dates.length === 0 ? undefined : Math.max(...dates.map((value) => Date.parse(value)));
}

function ordinarySignIn(seed: number, index: number, facts: SignInFacts): PlannedSignIn {
  const random = seededRandom(seed, STREAM_SIGN_IN, index);
  const roll = random.next();
  const recentDays = random.next() * ORDINARY_MEMBER_MAX_SIGN_IN_AGE_DAYS;
  const staleDays = 100 + random.next() * 800;
  const nonInteractiveDays = random.next() * 7;
  const hasNonInteractive = random.next() < 0.6;
  const successfulYearOne = random.next() < 0.15;

  // Sign-ins happen after creation: ages never exceed the account's age.
  const ageLimit =
    facts.createdMs === null ? Number.POSITIVE_INFINITY : (REFERENCE_TIME_MS - facts.createdMs) / DAY_MS;
  const age = (days: number): number => Math.floor(Math.min(days, ageLimit) * 24) / 24;
  const recent = (interactiveDays: number): PlannedSignIn => ({
    interactive: age(interactiveDays),
    nonInteractive: hasNonInteractive ? age(nonInteractiveDays) : 'null',
    successful: successfulYearOne ? 'yearOne' : age(interactiveDays),
  });
  const stale: PlannedSignIn = {
    interactive: age(staleDays),
    nonInteractive: 'null',
    successful: successfulYearOne ? 'yearOne' : age(staleDays),
  };

  if (!facts.accountEnabled) return roll < 0.4 ? 'none' : stale;
  if (facts.userType === 'Guest') return roll < 0.35 ? 'none' : roll < 0.65 ? stale : recent(recentDays);
  if (facts.isNew) return roll < 0.5 ? 'none' : recent(recentDays);
  return recent(recentDays);
}
