import type { GraphClient } from '../cloud/graph-client';
import { GraphError } from '../cloud/graph-error';
import { collectPrivilegedAccess } from './privileged-access';
import type { ProgressSink } from './progress';
import { collectRegistrations } from './registration-details';
import type { Collected, PrivilegedAccess, RegistrationRecord } from './types';

/** Everything the selected controls read about one tenant. */
export interface TenantSnapshot {
  privilegedAccess: Collected<PrivilegedAccess>;
  /** Registration records of the privileged users only. */
  registrations: Collected<Map<string, RegistrationRecord>>;
}

/**
 * Collects the data the identity controls need. A refusal that only affects some controls (missing permission,
 * missing licence, unsupported request) becomes a `Collected` error for those controls; throttling, outages
 * and token failures propagate so that the job is retried as a whole.
 */
export async function collectTenantSnapshot(
  graph: GraphClient,
  privilegedRoleIds: readonly string[],
  progress: ProgressSink,
): Promise<TenantSnapshot> {
  const privilegedAccess = await collected(() => collectPrivilegedAccess(graph, privilegedRoleIds, progress));
  const wanted = privilegedAccess.ok ? new Set(privilegedAccess.value.users.map((u) => u.id)) : null;
  const registrations: Collected<Map<string, RegistrationRecord>> = wanted
    ? await collected(() => collectRegistrations(graph, wanted, progress))
    : { ok: false, reason: 'privileged users could not be read' };
  return { privilegedAccess, registrations };
}

async function collected<T>(collect: () => Promise<T>): Promise<Collected<T>> {
  try {
    return { ok: true, value: await collect() };
  } catch (err) {
    if (err instanceof GraphError && [400, 403, 404].includes(err.status)) {
      return { ok: false, reason: describeRefusal(err) };
    }
    if (err instanceof GraphError && err.code === 'UnexpectedShape') {
      return { ok: false, reason: `Graph returned data of an unexpected shape: ${err.message}` };
    }
    throw err;
  }
}

function describeRefusal(err: GraphError): string {
  if (err.status === 403) {
    return `Graph refused ${err.path} (403 ${err.code}): grant the scanning app the application permission this data needs and admin-consent it`;
  }
  return `Graph answered ${err.status} ${err.code} on ${err.path}: ${err.message}`;
}
