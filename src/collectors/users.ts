import type { GraphClient } from '../cloud/graph-client';
import { DIRECTORY_USER_SELECT, toDirectoryUser } from './directory-user';
import type { ProgressSink } from './progress';
import type { DirectoryUser } from './types';

/** Graph's limit on values in one `in` clause of a $filter. */
const IDS_PER_FILTER = 15;

/**
 * The wanted users (privileged ones, usually a few dozen), asked for by id, fifteen per request with
 * `$filter=id in (…)`: a handful of requests however large the tenant. An id Graph does not return (a deleted
 * user still holding a grant) is simply absent from the result.
 */
export async function collectUsersById(
  graph: GraphClient,
  wanted: ReadonlySet<string>,
  progress: ProgressSink,
): Promise<Map<string, DirectoryUser>> {
  const found = new Map<string, DirectoryUser>();
  const ids = [...wanted];
  let pages = 0;
  for (let start = 0; start < ids.length; start += IDS_PER_FILTER) {
    const quoted = ids.slice(start, start + IDS_PER_FILTER).map((id) => `'${id.replace(/'/g, "''")}'`);
    const filter = encodeURIComponent(`id in (${quoted.join(',')})`);
    for await (const page of graph.pages<Record<string, unknown>>(
      `/users?$filter=${filter}&$select=${DIRECTORY_USER_SELECT}`,
    )) {
      pages++;
      for (const item of page) {
        if (typeof item.id === 'string' && wanted.has(item.id)) found.set(item.id, toDirectoryUser(item));
      }
      progress({ collector: 'privilegedUsers', pages, items: found.size });
    }
  }
  return found;
}
