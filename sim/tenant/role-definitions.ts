// Built-in Entra ID directory roles the simulated tenants know (template ids from Microsoft's "Microsoft Entra
// built-in roles" reference). For built-in roles the role definition id equals the template id.

export interface BuiltInRole {
  templateId: string;
  displayName: string;
  description: string;
  /** In CONTROLS.md's default privileged set. */
  privileged: boolean;
  /** A representative sample of the role's resource actions (the real lists are long). */
  allowedResourceActions: string[];
}

export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
export const PRIVILEGED_ROLE_ADMINISTRATOR = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
export const PRIVILEGED_AUTHENTICATION_ADMINISTRATOR = '7be44c8a-adaf-4e2a-84d6-ab2649e08a13';
export const SECURITY_ADMINISTRATOR = '194ae4cb-b126-40b2-bd5b-6091b380977d';
export const CONDITIONAL_ACCESS_ADMINISTRATOR = 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9';
export const EXCHANGE_ADMINISTRATOR = '29232cdf-9323-42fd-ade2-1d097af3e4de';
export const SHAREPOINT_ADMINISTRATOR = 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c';
export const USER_ADMINISTRATOR = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
export const AUTHENTICATION_ADMINISTRATOR = 'c4e39bd9-1100-46d3-8c65-fb160da0071f';
export const APPLICATION_ADMINISTRATOR = '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3';
export const CLOUD_APPLICATION_ADMINISTRATOR = '158c047a-c907-4556-b7ef-446551a6b5f7';
export const HELPDESK_ADMINISTRATOR = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
export const BILLING_ADMINISTRATOR = 'b0f54661-2d74-4c50-afa3-1ec803f12efe';
export const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
export const REPORTS_READER = '4a5d8f65-41da-4de4-8968-e035b65339cf';
export const MESSAGE_CENTER_READER = '790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b';
export const DIRECTORY_READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
export const SECURITY_READER = '5d6b6bb7-de71-4623-b4af-96380a352509';

export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  {
    templateId: GLOBAL_ADMINISTRATOR,
    displayName: 'Global Administrator',
    description:
      'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.',
    privileged: true,
    allowedResourceActions: [
      'microsoft.directory/users/allProperties/allTasks',
      'microsoft.office365.exchange/allEntities/allTasks',
    ],
  },
  {
    templateId: PRIVILEGED_ROLE_ADMINISTRATOR,
    displayName: 'Privileged Role Administrator',
    description:
      'Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.',
    privileged: true,
    allowedResourceActions: ['microsoft.directory/roleAssignments/allProperties/allTasks'],
  },
  {
    templateId: PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
    displayName: 'Privileged Authentication Administrator',
    description:
      'Can access to view, set and reset authentication method information for any user (admin or non-admin).',
    privileged: true,
    allowedResourceActions: ['microsoft.directory/users/authenticationMethods/create'],
  },
  {
    templateId: SECURITY_ADMINISTRATOR,
    displayName: 'Security Administrator',
    description:
      'Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.',
    privileged: true,
    allowedResourceActions: ['microsoft.directory/conditionalAccessPolicies/basic/update'],
  },
  {
    templateId: CONDITIONAL_ACCESS_ADMINISTRATOR,
    displayName: 'Conditional Access Administrator',
    description: 'Can manage Conditional Access capabilities.',
    privileged: true,
    allowedResourceActions: ['microsoft.directory/conditionalAccessPolicies/create'],
  },
  {
    templateId: EXCHANGE_ADMINISTRATOR,
    displayName: 'Exchange Administrator',
    description: 'Can manage all aspects of the Exchange product.',
    privileged: true,
    allowedResourceActions: ['microsoft.office365.exchange/allEntities/basic/allTasks'],
  },
  {
    templateId: SHAREPOINT_ADMINISTRATOR,
    displayName: 'SharePoint Administrator',
    description: 'Can manage all aspects of the SharePoint service.',
    privileged: true,
    allowedResourceActions: ['microsoft.office365.sharePoint/allEntities/allTasks'],
  },
  {
    templateId: USER_ADMINISTRATOR,
    displayName: 'User Administrator',
    description:
      'Can manage all aspects of users and groups, including resetting passwords for limited admins.',
    privileged: true,
    allowedResourceActions: ['microsoft.directory/users/create', 'microsoft.directory/groups/create'],
  },
  {
    templateId: AUTHENTICATION_ADMINISTRATOR,
    displayName: 'Authentication Administrator',
    description:
      'Can access to view, set and reset authentication method information for any non-admin user.',
    privileged: true,
    allowedResourceActions: ['microsoft.directory/users/authenticationMethods/basic/update'],
  },
  {
    templateId: APPLICATION_ADMINISTRATOR,
    displayName: 'Application Administrator',
    description: 'Can create and manage all aspects of app registrations and enterprise apps.',
    privileged: true,
    allowedResourceActions: ['microsoft.directory/applications/create'],
  },
  {
    templateId: CLOUD_APPLICATION_ADMINISTRATOR,
    displayName: 'Cloud Application Administrator',
    description:
      'Can create and manage all aspects of app registrations and enterprise apps except App Proxy.',
    privileged: true,
    allowedResourceActions: ['microsoft.directory/servicePrincipals/create'],
  },
  {
    templateId: HELPDESK_ADMINISTRATOR,
    displayName: 'Helpdesk Administrator',
    description: 'Can reset passwords for non-administrators and Helpdesk Administrators.',
    privileged: true,
    allowedResourceActions: ['microsoft.directory/users/password/update'],
  },
  {
    templateId: BILLING_ADMINISTRATOR,
    displayName: 'Billing Administrator',
    description: 'Can perform common billing related tasks like updating payment information.',
    privileged: true,
    allowedResourceActions: ['microsoft.commerce.billing/allEntities/allProperties/allTasks'],
  },
  {
    templateId: GLOBAL_READER,
    displayName: 'Global Reader',
    description: 'Can read everything that a Global Administrator can, but not update anything.',
    privileged: false,
    allowedResourceActions: ['microsoft.directory/users/allProperties/read'],
  },
  {
    templateId: REPORTS_READER,
    displayName: 'Reports Reader',
    description: 'Can read sign-in and audit reports.',
    privileged: false,
    allowedResourceActions: ['microsoft.directory/auditLogs/allProperties/read'],
  },
  {
    templateId: MESSAGE_CENTER_READER,
    displayName: 'Message Center Reader',
    description: 'Can read messages and updates for their organization in Office 365 Message Center only.',
    privileged: false,
    allowedResourceActions: ['microsoft.office365.messageCenter/messages/read'],
  },
  {
    templateId: DIRECTORY_READERS,
    displayName: 'Directory Readers',
    description:
      'Can read basic directory information. Commonly used to grant directory read access to applications and guests.',
    privileged: false,
    allowedResourceActions: ['microsoft.directory/users/standard/read'],
  },
  {
    templateId: SECURITY_READER,
    displayName: 'Security Reader',
    description: 'Can read security information and reports in Microsoft Entra ID and Office 365.',
    privileged: false,
    allowedResourceActions: ['microsoft.directory/signInReports/allProperties/read'],
  },
];

/** CONTROLS.md's default privileged role set (template ids). */
export const DEFAULT_PRIVILEGED_ROLE_IDS: readonly string[] = BUILT_IN_ROLES.filter(
  (role) => role.privileged,
).map((role) => role.templateId);

export function builtInRole(templateId: string): BuiltInRole | undefined {
  return BUILT_IN_ROLES.find((role) => role.templateId === templateId);
}

/** A unifiedRoleDefinition as Graph v1.0 returns it. */
export function roleDefinitionResource(role: BuiltInRole): Record<string, unknown> {
  return {
    id: role.templateId,
    description: role.description,
    displayName: role.displayName,
    isBuiltIn: true,
    isEnabled: true,
    resourceScopes: ['/'],
    templateId: role.templateId,
    version: '1',
    rolePermissions: [{ allowedResourceActions: role.allowedResourceActions, condition: null }],
  };
}
