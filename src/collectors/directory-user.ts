import { requireString } from './role-grants';
import type { DirectoryUser } from './types';

export const DIRECTORY_USER_SELECT = 'id,userPrincipalName,accountEnabled,userType';

interface GraphUser {
  '@odata.type'?: unknown;
  id?: unknown;
  userPrincipalName?: unknown;
  accountEnabled?: unknown;
  userType?: unknown;
}

/** A Graph user object (from /users or a group's members) reduced to the fields the controls read. */
export function toDirectoryUser(item: GraphUser): DirectoryUser {
  return {
    id: requireString(item.id, 'id'),
    userPrincipalName: requireString(item.userPrincipalName, 'userPrincipalName'),
    accountEnabled: typeof item.accountEnabled === 'boolean' ? item.accountEnabled : null,
    userType: typeof item.userType === 'string' ? item.userType : null,
  };
}

export function isGraphUser(item: GraphUser): boolean {
  return item['@odata.type'] === undefined || item['@odata.type'] === '#microsoft.graph.user';
}
