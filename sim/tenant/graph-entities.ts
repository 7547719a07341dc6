// The JSON shapes of the Graph v1.0 entity types the simulator serves, with each type's property catalogue:
// every property Graph's CSDL declares (to answer unknown names as Graph does), the ones the simulator models,
// and the default set returned without $select.
import type { PlannedGroup, PlannedServicePrincipal } from './admin-plan';
import type {
  DirectoryPrincipal,
  RoleAssignmentInstanceRecord,
  RoleAssignmentRecord,
  RoleEligibilityRecord,
} from './directory';
import type { SimRegistration } from './registrations';
import { assignedLicenseResource } from './skus';
import type { SimUser } from './users';

export type GraphResource = Record<string, unknown>;

// Tenant-level types live in their own file; listed here too so that every catalogue is found in one module.
export {
  CONDITIONAL_ACCESS_POLICY_TYPE,
  SECURITY_DEFAULTS_TYPE,
  SUBSCRIBED_SKU_TYPE,
} from './graph-policy-entities';

export interface EntityTypeCatalogue {
  /** Qualified name as Graph's messages use it, e.g. "microsoft.graph.user". */
  name: string;
  /** Every property the Graph v1.0 CSDL declares on the type (base types included). */
  csdlProperties: readonly string[];
  /** Properties the simulator produces (a subset of csdlProperties). */
  modelledProperties: readonly string[];
  /** Properties returned when the request has no $select. */
  defaultProperties: readonly string[];
}

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

export const USER_TYPE: EntityTypeCatalogue = {
  name: 'microsoft.graph.user',
  csdlProperties: words(`id deletedDateTime aboutMe accountEnabled ageGroup assignedLicenses assignedPlans
    authorizationInfo birthday businessPhones city companyName consentProvidedForMinor country createdDateTime
    creationType customSecurityAttributes department deviceEnrollmentLimit displayName employeeHireDate employeeId
    employeeLeaveDateTime employeeOrgData employeeType externalUserState externalUserStateChangeDateTime faxNumber
    givenName hireDate identities identityParentId imAddresses interests isManagementRestricted isResourceAccount
    jobTitle lastPasswordChangeDateTime legalAgeGroupClassification licenseAssignmentStates mail mailboxSettings
    mailNickname mobilePhone mySite officeLocation onPremisesDistinguishedName onPremisesDomainName
    onPremisesExtensionAttributes onPremisesImmutableId onPremisesLastSyncDateTime onPremisesProvisioningErrors
    onPremisesSamAccountName onPremisesSecurityIdentifier onPremisesSyncEnabled onPremisesUserPrincipalName otherMails
    passwordPolicies passwordProfile pastProjects postalCode preferredDataLocation preferredLanguage preferredName print
    provisionedPlans proxyAddresses responsibilities schools securityIdentifier serviceProvisioningErrors
    showInAddressList signInActivity signInSessionsValidFromDateTime skills state streetAddress surname usageLocation
    userPrincipalName userType`),
  modelledProperties:
    words(`id deletedDateTime accountEnabled assignedLicenses businessPhones createdDateTime displayName givenName
    jobTitle mail mailNickname mobilePhone officeLocation onPremisesSyncEnabled preferredLanguage signInActivity
    surname userPrincipalName userType`),
  // Graph's default user property set (accountEnabled and userType are not in it).
  defaultProperties: words(`businessPhones displayName givenName jobTitle mail mobilePhone officeLocation
    preferredLanguage surname userPrincipalName id`),
};

export function userResource(user: SimUser): GraphResource {
  return {
    id: user.id,
    deletedDateTime: null,
    accountEnabled: user.accountEnabled,
    businessPhones: [],
    createdDateTime: user.createdDateTime,
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: user.jobTitle,
    mail: user.mail,
    mailNickname: user.mailNickname,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    userType: user.userType,
    assignedLicenses: user.assignedLicenses.map(assignedLicenseResource),
    onPremisesSyncEnabled: user.onPremisesSyncEnabled,
    // Only with $select (Graph never returns it by default); null when the user never signed in.
    signInActivity: user.signInActivity,
  };
}

const GROUP_MODELLED_PROPERTIES =
  words(`id deletedDateTime classification createdDateTime description displayName
  groupTypes isAssignableToRole mail mailEnabled mailNickname onPremisesSyncEnabled securityEnabled visibility`);

export const GROUP_TYPE: EntityTypeCatalogue = {
  name: 'microsoft.graph.group',
  csdlProperties: words(`id deletedDateTime accessType allowExternalSenders assignedLabels assignedLicenses
    autoSubscribeNewMembers classification createdDateTime description displayName expirationDateTime groupTypes
    hasMembersWithLicenseErrors hideFromAddressLists hideFromOutlookClients infoCatalogs isArchived isAssignableToRole
    isFavorite isManagementRestricted isSubscribedByMail licenseProcessingState mail mailEnabled mailNickname
    membershipRule membershipRuleProcessingState onPremisesDomainName onPremisesExtensionAttributes
    onPremisesLastSyncDateTime onPremisesNetBiosName onPremisesProvisioningErrors onPremisesSamAccountName
    onPremisesSecurityIdentifier onPremisesSyncEnabled organizationId preferredDataLocation preferredLanguage
    proxyAddresses renewedDateTime resourceBehaviorOptions resourceProvisioningOptions securityEnabled
    securityIdentifier serviceProvisioningErrors theme uniqueName unseenConversationsCount unseenCount
    unseenMessagesCount visibility welcomeMessageEnabled`),
  modelledProperties: GROUP_MODELLED_PROPERTIES,
  defaultProperties: GROUP_MODELLED_PROPERTIES,
};

export function groupResource(group: PlannedGroup): GraphResource {
  return {
    id: group.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: group.createdDateTime,
    description: group.description,
    displayName: group.displayName,
    groupTypes: [],
    isAssignableToRole: group.isAssignableToRole,
    mail: null,
    mailEnabled: false,
    mailNickname: group.mailNickname,
    onPremisesSyncEnabled: null,
    securityEnabled: true,
    visibility: 'Private',
  };
}

export function servicePrincipalResource(servicePrincipal: PlannedServicePrincipal): GraphResource {
  return {
    id: servicePrincipal.id,
    deletedDateTime: null,
    accountEnabled: true,
    appDisplayName: servicePrincipal.displayName,
    appId: servicePrincipal.appId,
    displayName: servicePrincipal.displayName,
    servicePrincipalType: 'Application',
  };
}

/** A directoryObject as $expand=principal returns it: the derived type's properties plus "@odata.type". */
export function principalResource(principal: DirectoryPrincipal): GraphResource {
  switch (principal.kind) {
    case 'user':
      return { '@odata.type': '#microsoft.graph.user', ...userResource(principal.user) };
    case 'group':
      return { '@odata.type': '#microsoft.graph.group', ...groupResource(principal.group) };
    case 'servicePrincipal':
      return {
        '@odata.type': '#microsoft.graph.servicePrincipal',
        ...servicePrincipalResource(principal.servicePrincipal),
      };
  }
}

const REGISTRATION_PROPERTIES =
  words(`id isAdmin isMfaCapable isMfaRegistered isPasswordlessCapable isSsprCapable
  isSsprEnabled isSsprRegistered isSystemPreferredAuthenticationMethodEnabled lastUpdatedDateTime methodsRegistered
  systemPreferredAuthenticationMethods userDisplayName userPreferredMethodForSecondaryAuthentication
  userPrincipalName userType`);

export const REGISTRATION_TYPE: EntityTypeCatalogue = {
  name: 'microsoft.graph.userRegistrationDetails',
  csdlProperties: REGISTRATION_PROPERTIES,
  modelledProperties: REGISTRATION_PROPERTIES,
  defaultProperties: REGISTRATION_PROPERTIES,
};

export function registrationResource(user: SimUser, registration: SimRegistration): GraphResource {
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    userDisplayName: user.displayName,
    // signInUserType enum: lower case, unlike user.userType.
    userType: user.userType === 'Guest' ? 'guest' : 'member',
    isAdmin: registration.isAdmin,
    isSsprRegistered: registration.isSsprRegistered,
    isSsprEnabled: registration.isSsprEnabled,
    isSsprCapable: registration.isSsprCapable,
    isMfaRegistered: registration.isMfaRegistered,
    isMfaCapable: registration.isMfaCapable,
    isPasswordlessCapable: registration.isPasswordlessCapable,
    methodsRegistered: registration.methodsRegistered,
    isSystemPreferredAuthenticationMethodEnabled: registration.isSystemPreferredAuthenticationMethodEnabled,
    systemPreferredAuthenticationMethods: registration.systemPreferredAuthenticationMethods,
    userPreferredMethodForSecondaryAuthentication: registration.userPreferredMethodForSecondaryAuthentication,
    lastUpdatedDateTime: registration.lastUpdatedDateTime,
  };
}

const ROLE_ASSIGNMENT_PROPERTIES = words(
  'id appScopeId condition directoryScopeId principalId principalOrganizationId roleDefinitionId',
);

export const ROLE_ASSIGNMENT_TYPE: EntityTypeCatalogue = {
  name: 'microsoft.graph.unifiedRoleAssignment',
  csdlProperties: ROLE_ASSIGNMENT_PROPERTIES,
  modelledProperties: ROLE_ASSIGNMENT_PROPERTIES,
  defaultProperties: words('id principalId directoryScopeId roleDefinitionId'),
};

export function roleAssignmentResource(assignment: RoleAssignmentRecord, tenantId: string): GraphResource {
  return {
    id: assignment.id,
    principalId: assignment.principalId,
    directoryScopeId: '/',
    roleDefinitionId: assignment.roleDefinitionId,
    appScopeId: null,
    condition: null,
    principalOrganizationId: tenantId,
  };
}

const ROLE_ELIGIBILITY_SCHEDULE_PROPERTIES =
  words(`id principalId roleDefinitionId directoryScopeId appScopeId
  createdUsing createdDateTime modifiedDateTime status memberType scheduleInfo`);

export const ROLE_ELIGIBILITY_SCHEDULE_TYPE: EntityTypeCatalogue = {
  name: 'microsoft.graph.unifiedRoleEligibilitySchedule',
  csdlProperties: ROLE_ELIGIBILITY_SCHEDULE_PROPERTIES,
  modelledProperties: ROLE_ELIGIBILITY_SCHEDULE_PROPERTIES,
  defaultProperties: ROLE_ELIGIBILITY_SCHEDULE_PROPERTIES,
};

export function roleEligibilityScheduleResource(schedule: RoleEligibilityRecord): GraphResource {
  return {
    id: schedule.id,
    principalId: schedule.principalId,
    roleDefinitionId: schedule.roleDefinitionId,
    directoryScopeId: '/',
    appScopeId: null,
    createdUsing: schedule.id,
    createdDateTime: schedule.createdDateTime,
    modifiedDateTime: null,
    status: 'Provisioned',
    memberType: 'Direct',
    scheduleInfo: {
      startDateTime: schedule.createdDateTime,
      recurrence: null,
      expiration: { type: 'noExpiration', endDateTime: null, duration: null },
    },
  };
}

const ROLE_DEFINITION_PROPERTIES = words(
  'id description displayName isBuiltIn isEnabled resourceScopes rolePermissions templateId version',
);

export const ROLE_DEFINITION_TYPE: EntityTypeCatalogue = {
  name: 'microsoft.graph.unifiedRoleDefinition',
  csdlProperties: ROLE_DEFINITION_PROPERTIES,
  modelledProperties: ROLE_DEFINITION_PROPERTIES,
  defaultProperties: ROLE_DEFINITION_PROPERTIES,
};

const ROLE_ASSIGNMENT_SCHEDULE_INSTANCE_PROPERTIES =
  words(`id appScopeId directoryScopeId principalId roleDefinitionId
  assignmentType endDateTime memberType roleAssignmentOriginId roleAssignmentScheduleId startDateTime`);

export const ROLE_ASSIGNMENT_SCHEDULE_INSTANCE_TYPE: EntityTypeCatalogue = {
  name: 'microsoft.graph.unifiedRoleAssignmentScheduleInstance',
  csdlProperties: ROLE_ASSIGNMENT_SCHEDULE_INSTANCE_PROPERTIES,
  modelledProperties: ROLE_ASSIGNMENT_SCHEDULE_INSTANCE_PROPERTIES,
  defaultProperties: ROLE_ASSIGNMENT_SCHEDULE_INSTANCE_PROPERTIES,
};

export function roleAssignmentScheduleInstanceResource(
  instance: RoleAssignmentInstanceRecord,
): GraphResource {
  return {
    id: instance.id,
    principalId: instance.principalId,
    roleDefinitionId: instance.roleDefinitionId,
    directoryScopeId: '/',
    appScopeId: null,
    startDateTime: instance.startDateTime,
    endDateTime: instance.endDateTime,
    assignmentType: instance.assignmentType,
    memberType: instance.memberType,
    roleAssignmentOriginId: instance.id,
    roleAssignmentScheduleId: instance.roleAssignmentScheduleId,
  };
}
