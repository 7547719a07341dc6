// User i of a generated tenant: a pure function of (seed, name, i) plus the admin plan's override for i, so that a
// tenant of a million users never holds them all in memory.
import { hashIntegers, REFERENCE_TIME_MS, seededRandom, UserIdCodec } from './ids';
import { ordinaryLicences } from './licences';
import { signInActivity, type PlannedSignIn, type SimSignInActivity } from './sign-ins';
import type { PlannedLicence } from './skus';
import { DAY_MS, daysBeforeReference, graphDateTime } from './time';
/** Users created within this many days before REFERENCE_TIME count as "new" (often no registration record yet). */
export const NEW_USER_DAYS = 14;

/** Random streams, so that adding a draw to one never shifts the others. */
const STREAM_USER = 0x55;
const STREAM_SYNC = 0x5c;

const GIVEN_NAMES = [
  'Adele',
  'Alex',
  'Allan',
  'Bianca',
  'Cameron',
  'Christie',
  'Debra',
  'Diego',
  'Emily',
  'Enrico',
  'Grady',
  'Henrietta',
  'Irvin',
  'Isaiah',
  'Johanna',
  'Joni',
  'Lee',
  'Lidia',
  'Lynne',
  'Megan',
  'Miriam',
  'Nestor',
  'Patti',
  'Pradeep',
  'Raul',
  'Sakura',
  'Tomasz',
  'Yuki',
  'Zainab',
  'Olga',
  'Kwame',
  'Ingrid',
  'Mateo',
  'Priya',
  'Siobhan',
  'Wei',
] as const;
const SURNAMES = [
  'Vance',
  'Wilber',
  'Deyoung',
  'Pila',
  'White',
  'Cline',
  'Berry',
  'Zeller',
  'Braun',
  'Sayavong',
  'Archie',
  'Cueto',
  'Bellows',
  'Lambert',
  'Lauren',
  'Sherman',
  'Gu',
  'Holloway',
  'Robbins',
  'Bowen',
  'Patel',
  'Grey',
  'Fernandes',
  'Gonzalez',
  'Tanaka',
  'Nowak',
  'Mensah',
  'Larsen',
  'Okafor',
  'Murphy',
  'Chen',
  'Ivanova',
  'Haddad',
  'Kowalski',
] as const;
/** A few real-world display names that stress rendering: right-to-left scripts, emoji, combining marks. */
const UNUSUAL_DISPLAY_NAMES = [
  'נועה כהן',
  'محمد الحسن',
  'Zoë 🚀 Müller',
  'Ana María Núñez 🌻',
  'فاطمة (Fatima) Rahimi',
  'Łukasz Żółć',
  'José 👩🏽‍💻 Ramírez',
] as const;
const JOB_TITLES = [
  'Accountant',
  'Engineer',
  'Sales Manager',
  'Analyst',
  'Designer',
  'Consultant',
  'Nurse',
  null,
];
const GUEST_HOME_DOMAINS = [
  'fabrikam.example',
  'northwind.example',
  'adatum.example',
  'partner.example',
] as const;

export type UserType = 'Member' | 'Guest';

export interface SimUser {
  index: number;
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string;
  surname: string;
  mail: string;
  mailNickname: string;
  accountEnabled: boolean;
  userType: UserType;
  /** null for some old accounts (Graph has no creation date for them). */
  createdDateTime: string | null;
  jobTitle: string | null;
  /** Created within NEW_USER_DAYS before the reference time. */
  isNew: boolean;
  /** true: synchronised from on-premises AD; false: was synchronised once; null: cloud-only. */
  onPremisesSyncEnabled: boolean | null;
  /** By SKU part number (graph-entities.ts turns them into Graph's skuId / disabledPlans ids). */
  assignedLicenses: PlannedLicence[];
  signInActivity: SimSignInActivity | null;
}

/** What the admin plan fixes for one of its users; everything else comes from the user's own random streams. */
export interface UserOverride {
  accountEnabled: boolean;
  userType: UserType;
  isNew: boolean;
  displayName?: string;
  /** Days before the reference time; null = a null createdDateTime. */
  createdDaysAgo?: number | null;
  onPremisesSyncEnabled?: boolean | null;
  licences?: PlannedLicence[];
  signIn?: PlannedSignIn;
}

/** The tenant-wide inputs of user generation. */
export interface UserGeneratorContext {
  seed: number;
  domain: string;
  ids: UserIdCodec;
  licences: { p1: boolean; p2: boolean };
}

/** The random draws of user i, in their fixed order (overrides are applied afterwards, never shifting them). */
function drawUser(seed: number, index: number) {
  const random = seededRandom(seed, STREAM_USER, index);
  return {
    givenName: random.pick(GIVEN_NAMES),
    surname: random.pick(SURNAMES),
    guest: random.next() < 0.05,
    enabled: random.next() >= 0.04,
    isNew: random.next() < 0.02,
    daysAgo: random.below(5 * 365 - NEW_USER_DAYS) + NEW_USER_DAYS,
    newDaysAgo: random.below(NEW_USER_DAYS),
    secondOfDay: random.below(86_400),
    unusualName: random.next() < 0.02 ? random.pick(UNUSUAL_DISPLAY_NAMES) : undefined,
    jobTitle: random.pick(JOB_TITLES),
    guestHome: random.pick(GUEST_HOME_DOMAINS),
  };
}

/** The traits user i has when the admin plan leaves it alone (the plan prefers such users for its own). */
export function naturalUserTraits(
  seed: number,
  index: number,
): { userType: UserType; accountEnabled: boolean; isNew: boolean } {
  const draws = drawUser(seed, index);
  return { userType: draws.guest ? 'Guest' : 'Member', accountEnabled: draws.enabled, isNew: draws.isNew };
}

export function generateUser(context: UserGeneratorContext, index: number, override?: UserOverride): SimUser {
  const draws = drawUser(context.seed, index);
  const userType = override?.userType ?? (draws.guest ? 'Guest' : 'Member');
  const accountEnabled = override?.accountEnabled ?? draws.enabled;
  const isNew = override?.isNew ?? draws.isNew;
  const generatedCreated =
    REFERENCE_TIME_MS - (isNew ? draws.newDaysAgo : draws.daysAgo) * DAY_MS - draws.secondOfDay * 1000;
  const createdMs =
    override?.createdDaysAgo === undefined
      ? generatedCreated
      : override.createdDaysAgo === null
        ? null
        : daysBeforeReference(override.createdDaysAgo) - draws.secondOfDay * 1000;

  const { givenName, surname, guestHome } = draws;
  const localPart = `${givenName}.${surname}${index}`;
  let userPrincipalName: string;
  let mail: string;
  let mailNickname: string;
  if (userType === 'Guest') {
    // B2B guests: UPN is the home address with "@" as "_", then #EXT#, in the resource tenant's domain.
    mail = `${localPart.toLowerCase()}@${guestHome}`;
    mailNickname = `${localPart.toLowerCase()}_${guestHome}#EXT#`;
    userPrincipalName = `${mailNickname}@${context.domain}`;
  } else {
    userPrincipalName = `${localPart}@${context.domain}`;
    mail = userPrincipalName;
    mailNickname = localPart;
  }

  return {
    index,
    id: context.ids.idOf(index),
    userPrincipalName,
    displayName: override?.displayName ?? draws.unusualName ?? `${givenName} ${surname}`,
    givenName,
    surname,
    mail,
    mailNickname,
    accountEnabled,
    userType,
    createdDateTime: createdMs === null ? null : graphDateTime(createdMs),
    jobTitle: draws.jobTitle,
    isNew,
    onPremisesSyncEnabled:
      override?.onPremisesSyncEnabled !== undefined
        ? override.onPremisesSyncEnabled
        : ordinarySync(context.seed, index, userType),
    assignedLicenses:
      override?.licences ??
      ordinaryLicences(context.seed, index, { accountEnabled, userType }, context.licences),
    signInActivity: signInActivity(
      context.seed,
      index,
      { createdMs, accountEnabled, userType, isNew },
      override?.signIn,
    ),
  };
}

/** Hybrid tenants: a seed-dependent share (25–74 %) of members is synchronised from on-premises AD. */
function ordinarySync(seed: number, index: number, userType: UserType): boolean | null {
  if (userType === 'Guest') return null;
  const syncShare = 0.25 + (hashIntegers(seed, STREAM_SYNC) % 50) / 100;
  const roll = seededRandom(seed, STREAM_SYNC, index).next();
  if (roll < syncShare) return true;
  return roll < syncShare + 0.02 ? false : null;
}
