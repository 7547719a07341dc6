// The control catalogue's stable ids and the default privileged role set (shared/CONTROLS.md).
// Config validates tenant.controls and settings.privilegedRoles against these; controls/ owns the logic.

export const CONTROL_IDS = [
  'CRW-ID-01',
  'CRW-ID-02',
  'CRW-ID-03',
  'CRW-ID-04',
  'CRW-ID-05',
  'CRW-ID-06',
  'CRW-ID-07',
  'CRW-ID-08',
  'CRW-ID-09',
  'CRW-ID-10',
  'CRW-EXO-01',
  'CRW-EXO-02',
  'CRW-EXO-03',
  'CRW-EXO-04',
  'CRW-EXO-05',
  'CRW-EXO-06',
] as const;

export type ControlId = (typeof CONTROL_IDS)[number];

export function isControlId(value: string): value is ControlId {
  return (CONTROL_IDS as readonly string[]).includes(value);
}

export const GLOBAL_ADMINISTRATOR_ROLE_ID = '62e90394-69f5-4237-9190-012177145e10';

/** Role template id → display name, from Microsoft's "Microsoft Entra built-in roles" reference. */
export const PRIVILEGED_ROLE_NAMES: Readonly<Record<string, string>> = Object.freeze({
  [GLOBAL_ADMINISTRATOR_ROLE_ID]: 'Global Administrator',
  'e8611ab8-c189-46e8-94e1-60213ab1f814': 'Privileged Role Administrator',
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13': 'Privileged Authentication Administrator',
  '194ae4cb-b126-40b2-bd5b-6091b380977d': 'Security Administrator',
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9': 'Conditional Access Administrator',
  '29232cdf-9323-42fd-ade2-1d097af3e4de': 'Exchange Administrator',
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c': 'SharePoint Administrator',
  'fe930be7-5e62-47db-91af-98c3a49a38b1': 'User Administrator',
  'c4e39bd9-1100-46d3-8c65-fb160da0071f': 'Authentication Administrator',
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': 'Application Administrator',
  '158c047a-c907-4556-b7ef-446551a6b5f7': 'Cloud Application Administrator',
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': 'Helpdesk Administrator',
  'b0f54661-2d74-4c50-afa3-1ec803f12efe': 'Billing Administrator',
});

/** The 13 role template ids used when a tenant does not set settings.privilegedRoles. */
export const DEFAULT_PRIVILEGED_ROLES: readonly string[] = Object.freeze(Object.keys(PRIVILEGED_ROLE_NAMES));
