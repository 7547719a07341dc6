import type { GraphClient } from '../cloud/graph-client';
import { GraphError } from '../cloud/graph-error';
import type { ProgressSink } from './progress';
import { requireString } from './role-grants';
import type { RegistrationRecord } from './types';

/**
 * Authentication-method registration records of the wanted users (streamed; only wanted ones are kept).
 * A user missing from the result has no registration record at all.
 */
export async function collectRegistrations(
  graph: GraphClient,
  wanted: ReadonlySet<string>,
  progress: ProgressSink,
): Promise<Map<string, RegistrationRecord>> {
  const found = new Map<string, RegistrationRecord>();
  let pages = 0;
  let items = 0;
  for await (const page of graph.pages<Record<string, unknown>>(
    '/reports/authenticationMethods/userRegistrationDetails',
  )) {
    pages++;
    items += page.length;
    for (const item of page) {
      if (typeof item.id !== 'string' || !wanted.has(item.id)) continue;
      if (typeof item.isMfaRegistered !== 'boolean') {
        throw new GraphError(
          200,
          'UnexpectedShape',
          'isMfaRegistered',
          `registration record ${item.id} has no boolean isMfaRegistered`,
        );
      }
      found.set(item.id, {
        id: item.id,
        userPrincipalName: requireString(item.userPrincipalName, 'userPrincipalName'),
        isMfaRegistered: item.isMfaRegistered,
      });
    }
    progress({ collector: 'userRegistrationDetails', pages, items });
  }
  return found;
}
