import { noteUnexpected, requireString, unexpectedPart } from './shape';
import type { DirectoryUser } from './types';

export const DIRECTORY_USER_SELECT = 'id,userPrincipalName,displayName,accountEnabled,userType';

interface GraphUser {
  '@odata.type'?: unknown;
  id?: unknown;
  userPrincipalName?: unknown;
  displayName?: unknown;
  accountEnabled?: unknown;
  userType?: unknown;
}

/**
 * A Graph user object (from /users or a group's members) reduced to the fields the controls read. A user without
 * id or userPrincipalName cannot be reported: UnexpectedShape. accountEnabled and userType in another shape are
 * noted for the controls that judge them.
 */
export function toDirectoryUser(item: GraphUser, path = '/users'): DirectoryUser {
  const id = requireString(item.id, 'id', 'a user', path);
  const userPrincipalName = requireString(item.userPrincipalName, 'userPrincipalName', `user ${id}`, path);
  const notes: Record<string, string> = {};
  return {
    id,
    userPrincipalName,
    // Shown in the inventory only, never judged: anything but a string is simply not shown.
    displayName: typeof item.displayName === 'string' ? item.displayName : null,
    accountEnabled:
      typeof item.accountEnabled === 'boolean'
        ? item.accountEnabled
        : noteUnexpected(notes, 'accountEnabled', item.accountEnabled),
    // Any string is kept: whether an unknown value matters is for the control that reads it (ID-09) to say.
    userType:
      typeof item.userType === 'string' ? item.userType : noteUnexpected(notes, 'userType', item.userType),
    ...unexpectedPart(notes),
  };
}

export function isGraphUser(item: GraphUser): boolean {
  return item['@odata.type'] === undefined || item['@odata.type'] === '#microsoft.graph.user';
}
