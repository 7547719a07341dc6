// Conditional Access policies and security defaults of a generated tenant, as Graph v1.0 returns them. The set
// depends on the seed (CONDITIONAL_ACCESS_PROFILE_BY_SEED_MOD_4) and is built from the admin plan's users and
// groups; each profile declares what it means ID-06, ID-07, ID-08 and ID-10 to give (tests check the ground truth
// against it). Seeds 1, 2, 3 give each of ID-06, ID-07, ID-08 and ID-10 both outcomes, and ID-08 skipped once:
//   seed mod 4   profile            security defaults   ID-06  ID-07  ID-08    ID-10
//   1            enforced           off                 pass   pass   fail     pass
//   2            gaps               off                 fail   fail   pass     pass
//   3            reportOnly         off                 fail   fail   skipped  fail
//   0            securityDefaults   on (no policies)    pass   pass   skipped  pass
// Without Entra ID P1 the tenant cannot have policies: security defaults are on and the list is empty.
import type { AdminPlan, PlannedGroup } from './admin-plan';
import { stableGuid } from './ids';
import {
  BILLING_ADMINISTRATOR,
  CLOUD_APPLICATION_ADMINISTRATOR,
  DEFAULT_PRIVILEGED_ROLE_IDS,
} from './role-definitions';
import { daysBeforeReference, graphDateTime } from './time';

export type ConditionalAccessProfile = 'enforced' | 'gaps' | 'reportOnly' | 'securityDefaults' | 'unlicensed';

export const CONDITIONAL_ACCESS_PROFILE_BY_SEED_MOD_4: readonly ConditionalAccessProfile[] = [
  'securityDefaults',
  'enforced',
  'gaps',
  'reportOnly',
];

export type PolicyState = 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
export type ClientAppType =
  'all' | 'browser' | 'mobileAppsAndDesktopClients' | 'exchangeActiveSync' | 'other';

export interface GuestsOrExternalUsers {
  guestOrExternalUserTypes: string;
  externalTenants: { '@odata.type': string; membershipKind: string } | null;
}

export interface ConditionalAccessUsers {
  includeUsers: string[];
  excludeUsers: string[];
  includeGroups: string[];
  excludeGroups: string[];
  includeRoles: string[];
  excludeRoles: string[];
  includeGuestsOrExternalUsers: GuestsOrExternalUsers | null;
  excludeGuestsOrExternalUsers: GuestsOrExternalUsers | null;
}

export interface ConditionalAccessConditions {
  users: ConditionalAccessUsers;
  applications: {
    includeApplications: string[];
    excludeApplications: string[];
    includeUserActions: string[];
    includeAuthenticationContextClassReferences: string[];
    applicationFilter: null;
  };
  clientAppTypes: ClientAppType[];
  locations: { includeLocations: string[]; excludeLocations: string[] } | null;
  platforms: { includePlatforms: string[]; excludePlatforms: string[] } | null;
  signInRiskLevels: string[];
  userRiskLevels: string[];
  servicePrincipalRiskLevels: string[];
  insiderRiskLevels: string | null;
  devices: { deviceFilter: { mode: 'include' | 'exclude'; rule: string } } | null;
  authenticationFlows: { transferMethods: string } | null;
  clientApplications: null;
}

export interface AuthenticationStrength {
  id: string;
  createdDateTime: string;
  modifiedDateTime: string;
  displayName: string;
  description: string;
  policyType: 'builtIn';
  requirementsSatisfied: 'mfa';
  allowedCombinations: string[];
}

export interface ConditionalAccessGrantControls {
  operator: 'AND' | 'OR';
  builtInControls: string[];
  customAuthenticationFactors: string[];
  termsOfUse: string[];
  authenticationStrength: AuthenticationStrength | null;
}

export interface ConditionalAccessPolicy {
  id: string;
  templateId: string | null;
  displayName: string;
  description: string | null;
  createdDateTime: string;
  modifiedDateTime: string | null;
  deletedDateTime: null;
  state: PolicyState;
  sessionControls: Record<string, unknown> | null;
  conditions: ConditionalAccessConditions;
  grantControls: ConditionalAccessGrantControls | null;
}

export type IdentityControlStatus = 'pass' | 'fail' | 'skipped';

/** What a profile means to produce at the full plan with P2 and CONTROLS.md's default settings. */
export interface DeclaredConditionalAccess {
  statuses: {
    'CRW-ID-06': IdentityControlStatus;
    'CRW-ID-07': IdentityControlStatus;
    'CRW-ID-08': IdentityControlStatus;
    'CRW-ID-10': IdentityControlStatus;
  };
  /** ID-06: role template ids left uncovered. */
  uncoveredRoles: string[];
  /** ID-06: report-only policies that would otherwise qualify (display names). */
  reportOnlyPolicies: string[];
  /** ID-08: labels of the excluded users, once per user and MFA policy. */
  mfaExclusions: string[];
}

export interface ConditionalAccessPlan {
  profile: ConditionalAccessProfile;
  securityDefaultsEnabled: boolean;
  policies: ConditionalAccessPolicy[];
  declared: DeclaredConditionalAccess;
}

export interface ConditionalAccessInput {
  name: string;
  seed: number;
  p1: boolean;
  p2: boolean;
}

export const MFA_STRENGTH: AuthenticationStrength = {
  id: '00000000-0000-0000-0000-000000000002',
  createdDateTime: '2021-12-01T08:00:00Z',
  modifiedDateTime: '2021-12-01T08:00:00Z',
  displayName: 'Multifactor authentication',
  description: 'Combinations of methods that satisfy strong authentication, such as a password + SMS',
  policyType: 'builtIn',
  requirementsSatisfied: 'mfa',
  allowedCombinations: [
    'windowsHelloForBusiness',
    'fido2',
    'x509CertificateMultiFactor',
    'deviceBasedPush',
    'temporaryAccessPassOneTime',
    'temporaryAccessPassMultiUse',
    'password,microsoftAuthenticatorPush',
    'password,softwareOath',
    'password,hardwareOath',
    'password,sms',
    'password,voice',
  ],
};

export const PHISHING_RESISTANT_STRENGTH: AuthenticationStrength = {
  id: '00000000-0000-0000-0000-000000000004',
  createdDateTime: '2021-12-01T08:00:00Z',
  modifiedDateTime: '2021-12-01T08:00:00Z',
  displayName: 'Phishing-resistant MFA',
  description:
    'Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key',
  policyType: 'builtIn',
  requirementsSatisfied: 'mfa',
  allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'],
};

const ALL_GUEST_TYPES: GuestsOrExternalUsers = {
  guestOrExternalUserTypes:
    'internalGuest,b2bCollaborationGuest,b2bCollaborationMember,b2bDirectConnectUser,otherExternalUser,serviceProvider',
  externalTenants: {
    '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants',
    membershipKind: 'all',
  },
};

const LEGACY_CLIENTS: ClientAppType[] = ['exchangeActiveSync', 'other'];

export function conditionalAccessProfile(seed: number, p1: boolean): ConditionalAccessProfile {
  if (!p1) return 'unlicensed';
  return CONDITIONAL_ACCESS_PROFILE_BY_SEED_MOD_4[((Math.trunc(seed) % 4) + 4) % 4] ?? 'enforced';
}

/** What a policy template may set; everything else takes Graph's empty value. */
interface PolicyTemplate {
  key: string;
  displayName: string;
  state: PolicyState;
  users: Partial<ConditionalAccessUsers>;
  includeApplications?: string[];
  clientAppTypes?: ClientAppType[];
  conditions?: Partial<Omit<ConditionalAccessConditions, 'users' | 'applications' | 'clientAppTypes'>>;
  grant: Pick<ConditionalAccessGrantControls, 'operator' | 'builtInControls'> & {
    authenticationStrength?: AuthenticationStrength;
  };
  sessionControls?: Record<string, unknown>;
}

export function buildConditionalAccess(
  input: ConditionalAccessInput,
  plan: AdminPlan,
  userIdOf: (index: number) => string,
): ConditionalAccessPlan {
  const profile = conditionalAccessProfile(input.seed, input.p1);
  const ids = (...labels: string[]): string[] =>
    labels.flatMap((label) => {
      const user = plan.users.find((planned) => planned.label === label);
      return user ? [userIdOf(user.index)] : [];
    });
  const groupIds = (...keys: string[]): string[] =>
    keys.flatMap((key) => plan.groups.filter((group: PlannedGroup) => group.key === key).map((g) => g.id));
  const breakGlass = plan.users.filter((user) => user.breakGlass).map((user) => userIdOf(user.index));
  const trustedLocation = stableGuid(input.seed, input.name, 'named-location', 'corporate');
  const build = (templates: PolicyTemplate[]): ConditionalAccessPolicy[] =>
    templates.map((template, k) => policyFrom(input, template, k));

  switch (profile) {
    case 'unlicensed':
    case 'securityDefaults':
      return {
        profile,
        securityDefaultsEnabled: true,
        policies: [],
        declared: declared('pass', 'pass', 'skipped', 'pass', [], [], []),
      };
    case 'enforced': {
      const policies: PolicyTemplate[] = [
        {
          key: 'mfa-all-users',
          displayName: '=Require MFA for all users',
          state: 'enabled',
          users: {
            includeUsers: ['All'],
            excludeUsers: [...breakGlass, ...ids('svc-legacy-app')],
            excludeGroups: groupIds('ca-exclusions'),
          },
          clientAppTypes: ['all'],
          grant: { operator: 'OR', builtInControls: ['mfa'] },
        },
        {
          key: 'mfa-admins-phishing-resistant',
          displayName: '@Require phishing-resistant MFA for administrators',
          state: 'enabled',
          users: { includeRoles: [...DEFAULT_PRIVILEGED_ROLE_IDS], excludeUsers: breakGlass },
          grant: { operator: 'OR', builtInControls: [], authenticationStrength: PHISHING_RESISTANT_STRENGTH },
          sessionControls: signInEvery(4),
        },
        {
          // Locations "All" with no exclusions still qualifies.
          key: 'block-legacy-authentication',
          displayName: '+Block legacy authentication',
          state: 'enabled',
          users: { includeUsers: ['All'], excludeUsers: breakGlass },
          clientAppTypes: LEGACY_CLIENTS,
          conditions: { locations: { includeLocations: ['All'], excludeLocations: [] } },
          grant: { operator: 'OR', builtInControls: ['block'] },
        },
        {
          // AND with a device control is still an MFA policy (ID-08), but the location makes it narrow (ID-06).
          key: 'mfa-off-network',
          displayName: 'MFA and a compliant device off the corporate network',
          state: 'enabled',
          users: { includeUsers: ['All'], excludeUsers: ids('svc-legacy-app') },
          clientAppTypes: ['all'],
          conditions: { locations: { includeLocations: ['All'], excludeLocations: [trustedLocation] } },
          grant: { operator: 'AND', builtInControls: ['mfa', 'compliantDevice'] },
        },
        {
          key: 'report-only-compliant-device',
          displayName: '-Report-only: require a compliant device',
          state: 'enabledForReportingButNotEnforced',
          users: { includeUsers: ['All'], excludeUsers: ids('ca-excluded-direct-member') },
          grant: { operator: 'OR', builtInControls: ['compliantDevice'] },
        },
        {
          // "mfa OR compliantDevice" can be satisfied without MFA: not an MFA policy.
          key: 'mfa-or-compliant-office',
          displayName: 'Require MFA or a compliant device for Office 365',
          state: 'enabled',
          users: { includeUsers: ['All'], excludeUsers: ids('ca-nested-member-2') },
          includeApplications: ['Office365'],
          grant: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] },
        },
        ...(input.p2
          ? [
              {
                key: 'block-high-sign-in-risk',
                displayName: 'Block high-risk sign-ins',
                state: 'enabled' as const,
                users: { includeUsers: ['All'], excludeUsers: breakGlass },
                conditions: { signInRiskLevels: ['high'] },
                grant: { operator: 'OR' as const, builtInControls: ['block'] },
              },
            ]
          : []),
        {
          key: 'guests-mfa-legacy',
          displayName: 'Legacy: MFA for guests \uFFFE',
          state: 'disabled',
          users: {
            includeGuestsOrExternalUsers: ALL_GUEST_TYPES,
            excludeUsers: ids('ca-excluded-direct-member'),
          },
          grant: { operator: 'OR', builtInControls: ['mfa'] },
        },
      ];
      const exclusions = [
        'svc-legacy-app',
        'ca-excluded-direct-member',
        'ca-excluded-guest',
        'ca-nested-member-1',
        'ca-nested-member-2',
        'svc-legacy-app',
      ];
      return {
        profile,
        securityDefaultsEnabled: false,
        policies: build(policies),
        declared: declared('pass', 'pass', 'fail', 'pass', [], [], exclusions),
      };
    }
    case 'gaps': {
      const coveredRoles = DEFAULT_PRIVILEGED_ROLE_IDS.filter(
        (role) => role !== BILLING_ADMINISTRATOR && role !== CLOUD_APPLICATION_ADMINISTRATOR,
      );
      const reportOnlyName = '=Require MFA for cloud application administrators';
      const policies: PolicyTemplate[] = [
        {
          key: 'mfa-admins',
          displayName: 'Require MFA for administrators',
          state: 'enabled',
          users: {
            includeRoles: coveredRoles,
            excludeUsers: breakGlass,
            excludeGroups: groupIds('emergency-access'),
          },
          grant: { operator: 'AND', builtInControls: ['mfa'] },
        },
        {
          key: 'mfa-cloud-app-admins-report-only',
          displayName: reportOnlyName,
          state: 'enabledForReportingButNotEnforced',
          users: { includeRoles: [CLOUD_APPLICATION_ADMINISTRATOR], excludeUsers: ids('svc-legacy-app') },
          grant: { operator: 'OR', builtInControls: ['mfa'] },
        },
        {
          key: 'mfa-billing-windows',
          displayName: 'Require MFA for billing administrators on Windows',
          state: 'enabled',
          users: { includeRoles: [BILLING_ADMINISTRATOR] },
          conditions: { platforms: { includePlatforms: ['windows'], excludePlatforms: [] } },
          grant: { operator: 'OR', builtInControls: ['mfa'] },
        },
        {
          // includeGroups never covers a role, even a role-assignable group's.
          key: 'mfa-helpdesk-group',
          displayName: 'Require MFA for the helpdesk group',
          state: 'enabled',
          users: { includeGroups: groupIds('helpdesk') },
          grant: { operator: 'OR', builtInControls: ['mfa'] },
        },
        {
          key: 'block-legacy-except-service',
          displayName: '+Block legacy authentication',
          state: 'enabled',
          users: { includeUsers: ['All'], excludeUsers: [...breakGlass, ...ids('svc-legacy-app')] },
          clientAppTypes: LEGACY_CLIENTS,
          grant: { operator: 'OR', builtInControls: ['block'] },
        },
        {
          key: 'block-legacy-report-only',
          displayName: 'Block legacy authentication (report-only)',
          state: 'enabledForReportingButNotEnforced',
          users: { includeUsers: ['All'], excludeUsers: breakGlass },
          clientAppTypes: LEGACY_CLIENTS,
          grant: { operator: 'OR', builtInControls: ['block'] },
        },
        {
          key: 'block-exchange-activesync',
          displayName: 'Block Exchange ActiveSync',
          state: 'enabled',
          users: { includeUsers: ['All'], excludeUsers: breakGlass },
          clientAppTypes: ['exchangeActiveSync'],
          grant: { operator: 'OR', builtInControls: ['block'] },
        },
        {
          key: 'block-legacy-untrusted',
          displayName: '-Block legacy authentication outside trusted locations',
          state: 'enabled',
          users: { includeUsers: ['All'], excludeUsers: breakGlass },
          clientAppTypes: LEGACY_CLIENTS,
          conditions: { locations: { includeLocations: ['All'], excludeLocations: [trustedLocation] } },
          grant: { operator: 'OR', builtInControls: ['block'] },
        },
        {
          key: 'mfa-guests',
          displayName: 'Require MFA for guests 🌍 الضيوف',
          state: 'enabled',
          users: { includeGuestsOrExternalUsers: ALL_GUEST_TYPES, excludeUsers: breakGlass },
          grant: { operator: 'OR', builtInControls: [], authenticationStrength: MFA_STRENGTH },
        },
        {
          key: 'mfa-unmanaged-devices',
          displayName: 'Require MFA on unmanaged devices',
          state: 'enabled',
          users: { includeUsers: ['All'], excludeUsers: breakGlass },
          conditions: {
            devices: { deviceFilter: { mode: 'exclude', rule: 'device.trustType -eq "ServerAD"' } },
          },
          grant: { operator: 'OR', builtInControls: ['mfa'] },
        },
      ];
      return {
        profile,
        securityDefaultsEnabled: false,
        policies: build(policies),
        declared: declared(
          'fail',
          'fail',
          'pass',
          'pass',
          [BILLING_ADMINISTRATOR, CLOUD_APPLICATION_ADMINISTRATOR],
          [reportOnlyName],
          [],
        ),
      };
    }
    case 'reportOnly': {
      const reportOnlyName = 'Require MFA for all users (report-only)';
      const policies: PolicyTemplate[] = [
        {
          key: 'mfa-all-report-only',
          displayName: reportOnlyName,
          state: 'enabledForReportingButNotEnforced',
          users: {
            includeUsers: ['All'],
            excludeUsers: ids('svc-legacy-app'),
            excludeGroups: groupIds('ca-exclusions'),
          },
          grant: { operator: 'OR', builtInControls: ['mfa'] },
        },
        {
          key: 'block-legacy-report-only',
          displayName: '+Block legacy authentication (report-only)',
          state: 'enabledForReportingButNotEnforced',
          users: { includeUsers: ['All'], excludeUsers: breakGlass },
          clientAppTypes: LEGACY_CLIENTS,
          grant: { operator: 'OR', builtInControls: ['block'] },
        },
        {
          key: 'mfa-admins-disabled',
          displayName: 'Require MFA for administrators',
          state: 'disabled',
          users: { includeRoles: [...DEFAULT_PRIVILEGED_ROLE_IDS], excludeUsers: breakGlass },
          grant: { operator: 'OR', builtInControls: ['mfa'] },
        },
        {
          key: 'compliant-device-disabled',
          displayName: '\u0001Require a compliant device 🛡️ سياسة',
          state: 'disabled',
          users: { includeUsers: ['All'], excludeUsers: ids('svc-legacy-app') },
          grant: { operator: 'OR', builtInControls: ['compliantDevice'] },
        },
      ];
      return {
        profile,
        securityDefaultsEnabled: false,
        policies: build(policies),
        declared: declared(
          'fail',
          'fail',
          'skipped',
          'fail',
          [...DEFAULT_PRIVILEGED_ROLE_IDS],
          [reportOnlyName],
          [],
        ),
      };
    }
  }
}

function declared(
  id06: IdentityControlStatus,
  id07: IdentityControlStatus,
  id08: IdentityControlStatus,
  id10: IdentityControlStatus,
  uncoveredRoles: string[],
  reportOnlyPolicies: string[],
  mfaExclusions: string[],
): DeclaredConditionalAccess {
  return {
    statuses: { 'CRW-ID-06': id06, 'CRW-ID-07': id07, 'CRW-ID-08': id08, 'CRW-ID-10': id10 },
    uncoveredRoles,
    reportOnlyPolicies,
    mfaExclusions,
  };
}

function signInEvery(hours: number): Record<string, unknown> {
  return {
    applicationEnforcedRestrictions: null,
    cloudAppSecurity: null,
    disableResilienceDefaults: null,
    persistentBrowser: null,
    secureSignInSession: null,
    signInFrequency: {
      value: hours,
      type: 'hours',
      authenticationType: 'primaryAndSecondaryAuthentication',
      frequencyInterval: 'timeBased',
      isEnabled: true,
    },
  };
}

function policyFrom(
  input: ConditionalAccessInput,
  template: PolicyTemplate,
  position: number,
): ConditionalAccessPolicy {
  const created = daysBeforeReference(900 - position * 80);
  return {
    id: stableGuid(input.seed, input.name, 'ca-policy', template.key),
    templateId: null,
    displayName: template.displayName,
    description: null,
    createdDateTime: graphDateTime(created),
    modifiedDateTime: position % 3 === 1 ? null : graphDateTime(created + 30 * 86_400_000),
    deletedDateTime: null,
    state: template.state,
    sessionControls: template.sessionControls ?? null,
    conditions: {
      users: {
        includeUsers: [],
        excludeUsers: [],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: [],
        includeGuestsOrExternalUsers: null,
        excludeGuestsOrExternalUsers: null,
        ...template.users,
      },
      applications: {
        includeApplications: template.includeApplications ?? ['All'],
        excludeApplications: [],
        includeUserActions: [],
        includeAuthenticationContextClassReferences: [],
        applicationFilter: null,
      },
      clientAppTypes: template.clientAppTypes ?? [],
      locations: null,
      platforms: null,
      signInRiskLevels: [],
      userRiskLevels: [],
      servicePrincipalRiskLevels: [],
      insiderRiskLevels: null,
      devices: null,
      authenticationFlows: null,
      clientApplications: null,
      ...template.conditions,
    },
    grantControls: {
      operator: template.grant.operator,
      builtInControls: template.grant.builtInControls,
      customAuthenticationFactors: [],
      termsOfUse: [],
      authenticationStrength: template.grant.authenticationStrength ?? null,
    },
  };
}
