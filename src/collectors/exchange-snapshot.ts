import type { ExchangeClient } from '../cloud/exchange-client';
import { ExchangeError } from '../cloud/exchange-error';
import { GraphError } from '../cloud/graph-error';
import { DataShapeError } from '../controls/data-shape-error';
import { collectAcceptedDomains, collectExchangeOrganization } from './exchange-settings';
import type { AcceptedDomain, ExchangeOrganization } from './exchange-types';
import type { Collected } from './types';

/** The tenant-wide Exchange data the selected controls read; parts no runnable control reads are left out. */
export interface ExchangeSnapshot {
  exchangeOrganization?: Collected<ExchangeOrganization>;
  acceptedDomains?: Collected<readonly AcceptedDomain[]>;
}

export async function collectExchangeSnapshot(
  exchange: ExchangeClient,
  parts: ReadonlySet<string>,
): Promise<ExchangeSnapshot> {
  const snapshot: ExchangeSnapshot = {};
  if (parts.has('exchangeOrganization'))
    snapshot.exchangeOrganization = await exchangeCollected(() => collectExchangeOrganization(exchange));
  if (parts.has('acceptedDomains'))
    snapshot.acceptedDomains = await exchangeCollected(() => collectAcceptedDomains(exchange));
  return snapshot;
}

/**
 * A refusal that only affects the Exchange controls (missing role, unknown cmdlet, unexpected data) becomes a
 * `Collected` error; throttling, outages and token failures propagate so that the job is retried as a whole.
 * The mailbox stream also reads inbox rules from Graph and runs the per-mailbox judges: unusable data from either
 * (UnexpectedShape, a DataShapeError outside judgeAsset) makes that stream's part error, never the whole scan.
 */
export async function exchangeCollected<T>(collect: () => Promise<T>): Promise<Collected<T>> {
  try {
    return { ok: true, value: await collect() };
  } catch (err) {
    if (err instanceof GraphError && err.code === 'UnexpectedShape')
      return {
        ok: false,
        reason: `Graph returned data that does not match its documented shape: ${err.message}`,
      };
    if (err instanceof DataShapeError) return { ok: false, reason: err.reason };
    if (!(err instanceof ExchangeError)) throw err;
    if (err.status === 401 || err.status === 403) {
      return {
        ok: false,
        reason: `Exchange Online refused ${err.cmdlet} (${err.status} ${err.code}: ${err.detail}): grant the scanning app Exchange.ManageAsApp and the Global Reader role`,
      };
    }
    if ([400, 404, 501].includes(err.status) || err.code === 'UnexpectedShape')
      return { ok: false, reason: err.message };
    throw err;
  }
}
