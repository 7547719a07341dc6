// User i of a generated tenant: a pure function of (seed, name, i) plus the admin plan's override for i, so that a
// tenant of a million users never holds them all in memory.
import { REFERENCE_TIME_MS, seededRandom, UserIdCodec } from './ids';

const DAY_MS = 86_400_000;
/** Users created within this many days before REFERENCE_TIME count as "new" (often no registration record yet). */
export const NEW_USER_DAYS = 14;

/** Random streams, so that adding a draw to one never shifts the others. */
const STREAM_USER = 0x55;

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
  createdDateTime: string;
  jobTitle: string | null;
  /** Created within NEW_USER_DAYS before the reference time. */
  isNew: boolean;
}

/** What the admin plan fixes for one of its users; everything else comes from the user's own random stream. */
export interface UserOverride {
  accountEnabled: boolean;
  userType: UserType;
  isNew: boolean;
}

/** The tenant-wide inputs of user generation. */
export interface UserGeneratorContext {
  seed: number;
  domain: string;
  ids: UserIdCodec;
}

export function generateUser(context: UserGeneratorContext, index: number, override?: UserOverride): SimUser {
  // Draw every value in a fixed order, overrides applied afterwards, so an override never shifts other fields.
  const random = seededRandom(context.seed, STREAM_USER, index);
  const givenName = random.pick(GIVEN_NAMES);
  const surname = random.pick(SURNAMES);
  const randomGuest = random.next() < 0.05;
  const randomEnabled = random.next() >= 0.04;
  const randomNew = random.next() < 0.02;
  const daysAgo = random.below(5 * 365 - NEW_USER_DAYS) + NEW_USER_DAYS;
  const newDaysAgo = random.below(NEW_USER_DAYS);
  const secondOfDay = random.below(86_400);
  const unusualName = random.next() < 0.02 ? random.pick(UNUSUAL_DISPLAY_NAMES) : undefined;
  const jobTitle = random.pick(JOB_TITLES);
  const guestHome = random.pick(GUEST_HOME_DOMAINS);

  const userType = override?.userType ?? (randomGuest ? 'Guest' : 'Member');
  const accountEnabled = override?.accountEnabled ?? randomEnabled;
  const isNew = override?.isNew ?? randomNew;
  const created = REFERENCE_TIME_MS - (isNew ? newDaysAgo : daysAgo) * DAY_MS - secondOfDay * 1000;

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
    displayName: unusualName ?? `${givenName} ${surname}`,
    givenName,
    surname,
    mail,
    mailNickname,
    accountEnabled,
    userType,
    createdDateTime: new Date(created).toISOString().replace('.000Z', 'Z'),
    jobTitle,
    isNew,
  };
}
