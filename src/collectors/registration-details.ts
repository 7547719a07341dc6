import type { GraphClient } from '../cloud/graph-client';
import type { ProgressSink } from './progress';
import { graphShapeError, requireString } from './shape';
import type { RegistrationRecord } from './types';

const PATH = '/reports/authenticationMethods/userRegistrationDetails';

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
  for await (const page of graph.pages<Record<string, unknown>>(PATH)) {
    pages++;
    items += page.length;
    for (const item of page) {
      if (typeof item.id !== 'string' || !wanted.has(item.id)) continue;
      const asset = `registration record of user ${item.id}`;
      // Only ID-01 reads these: a record it cannot read makes that part (and so ID-01) error.
      if (typeof item.isMfaRegistered !== 'boolean')
        throw graphShapeError(PATH, asset, 'isMfaRegistered', item.isMfaRegistered, 'true or false');
      found.set(item.id, {
        id: item.id,
        userPrincipalName: requireString(item.userPrincipalName, 'userPrincipalName', asset, PATH),
        isMfaRegistered: item.isMfaRegistered,
      });
    }
    progress({ collector: 'userRegistrationDetails', pages, items });
  }
  return found;
}
