import type { GraphClient } from '../cloud/graph-client';
import { DIRECTORY_USER_SELECT, toDirectoryUser } from './directory-user';
import type { ProgressSink } from './progress';
import type { DirectoryUser } from './types';

/**
 * Streams every user of the tenant (largest page Graph allows) and keeps only those in `wanted`, so memory
 * stays bounded by the wanted set whatever the tenant size.
 */
export async function collectUsersById(
  graph: GraphClient,
  wanted: ReadonlySet<string>,
  progress: ProgressSink,
): Promise<Map<string, DirectoryUser>> {
  const found = new Map<string, DirectoryUser>();
  let pages = 0;
  let items = 0;
  for await (const page of graph.pages<Record<string, unknown>>(
    `/users?$select=${DIRECTORY_USER_SELECT}&$top=999`,
  )) {
    pages++;
    items += page.length;
    for (const item of page) {
      if (typeof item.id === 'string' && wanted.has(item.id)) found.set(item.id, toDirectoryUser(item));
    }
    progress({ collector: 'users', pages, items });
  }
  return found;
}
