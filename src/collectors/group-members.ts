import type { GraphClient } from '../cloud/graph-client';
import { DIRECTORY_USER_SELECT, isGraphUser, toDirectoryUser } from './directory-user';
import type { ProgressSink } from './progress';
import type { DirectoryUser } from './types';

/**
 * Direct user members of each role-assignable group. Such groups cannot contain groups, so direct members
 * are all members; service principals among them never count as users.
 */
export async function collectGroupMembers(
  graph: GraphClient,
  groupIds: readonly string[],
  progress: ProgressSink,
): Promise<Map<string, DirectoryUser[]>> {
  const members = new Map<string, DirectoryUser[]>();
  let pages = 0;
  let items = 0;
  for (const groupId of groupIds) {
    const users: DirectoryUser[] = [];
    const path = `/groups/${encodeURIComponent(groupId)}/members`;
    for await (const page of graph.pages<Record<string, unknown>>(
      `${path}?$select=${DIRECTORY_USER_SELECT}`,
    )) {
      pages++;
      for (const item of page) if (isGraphUser(item)) users.push(toDirectoryUser(item, path));
      items += page.length;
      progress({ collector: 'groupMembers', pages, items });
    }
    members.set(groupId, users);
  }
  return members;
}
