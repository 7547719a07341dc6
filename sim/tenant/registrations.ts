// The authentication methods registration record of user i (reports/authenticationMethods/userRegistrationDetails):
// a pure function of the user, the seed and the admin plan's choice for planned users.
import { REFERENCE_TIME_MS, seededRandom } from './ids';
import type { SimUser } from './users';

const DAY_MS = 86_400_000;
const STREAM_REGISTRATION = 0x5e;

/** What the admin plan fixes for a planned user's record. */
export type PlannedRegistration = 'registered' | 'notRegistered' | 'noRecord';

/** Share of ordinary (not new) users registered for MFA. */
const ORDINARY_MFA_REGISTERED_SHARE = 0.75;

/** Methods that count as MFA methods, with the secondary method Graph reports as the user's preference. */
const MFA_METHOD_CHOICES: ReadonlyArray<{ methods: string[]; preferred: string; systemPreferred: string[] }> =
  [
    { methods: ['microsoftAuthenticatorPush'], preferred: 'push', systemPreferred: ['push'] },
    {
      methods: ['microsoftAuthenticatorPush', 'softwareOneTimePasscode'],
      preferred: 'push',
      systemPreferred: ['push'],
    },
    { methods: ['mobilePhone'], preferred: 'sms', systemPreferred: ['sms'] },
    { methods: ['softwareOneTimePasscode'], preferred: 'oath', systemPreferred: ['oath'] },
    { methods: ['fido2', 'microsoftAuthenticatorPush'], preferred: 'push', systemPreferred: ['Fido2'] },
    { methods: ['windowsHelloForBusiness', 'mobilePhone'], preferred: 'sms', systemPreferred: ['sms'] },
  ];
const PASSWORDLESS_METHODS = new Set([
  'fido2',
  'windowsHelloForBusiness',
  'microsoftAuthenticatorPasswordless',
]);

export interface SimRegistration {
  isAdmin: boolean;
  isMfaCapable: boolean;
  isMfaRegistered: boolean;
  isPasswordlessCapable: boolean;
  isSsprCapable: boolean;
  isSsprEnabled: boolean;
  isSsprRegistered: boolean;
  isSystemPreferredAuthenticationMethodEnabled: boolean;
  lastUpdatedDateTime: string;
  methodsRegistered: string[];
  systemPreferredAuthenticationMethods: string[];
  userPreferredMethodForSecondaryAuthentication: string;
}

/**
 * The record of `user`, or null when the report has none (new users and the plan's deliberate gaps).
 * `isAdmin` is whatever the caller says the report shows (see directory.ts); it never decides a control.
 */
export function generateRegistration(
  seed: number,
  user: SimUser,
  isAdmin: boolean,
  planned?: PlannedRegistration,
): SimRegistration | null {
  const random = seededRandom(seed, STREAM_REGISTRATION, user.index);
  const randomRegistered = random.next() < ORDINARY_MFA_REGISTERED_SHARE;
  const mfaChoice = random.pick(MFA_METHOD_CHOICES);
  const hasEmailMethod = random.next() < 0.5;
  const daysSinceUpdate = random.below(60);
  const secondOfDay = random.below(86_400);

  const state = planned ?? (user.isNew ? 'noRecord' : randomRegistered ? 'registered' : 'notRegistered');
  if (state === 'noRecord') return null;

  const isMfaRegistered = state === 'registered';
  const methodsRegistered = [
    ...(isMfaRegistered ? mfaChoice.methods : []),
    ...(hasEmailMethod ? ['email'] : []),
  ];
  // A null createdDateTime is an old account: the update date alone decides.
  const created = user.createdDateTime === null ? 0 : Date.parse(user.createdDateTime);
  const updated = Math.max(created, REFERENCE_TIME_MS - daysSinceUpdate * DAY_MS - secondOfDay * 1000);
  return {
    isAdmin,
    isMfaCapable: isMfaRegistered,
    isMfaRegistered,
    isPasswordlessCapable: methodsRegistered.some((method) => PASSWORDLESS_METHODS.has(method)),
    isSsprCapable: methodsRegistered.length > 0,
    isSsprEnabled: true,
    isSsprRegistered: methodsRegistered.length > 0,
    isSystemPreferredAuthenticationMethodEnabled: true,
    lastUpdatedDateTime: new Date(updated).toISOString().replace('.000Z', 'Z'),
    methodsRegistered,
    systemPreferredAuthenticationMethods: isMfaRegistered ? mfaChoice.systemPreferred : [],
    userPreferredMethodForSecondaryAuthentication: isMfaRegistered ? mfaChoice.preferred : 'none',
  };
}
