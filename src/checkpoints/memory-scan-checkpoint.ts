import type { Finding } from '../controls/types';
import type { InventoryRow, RunFacts, ScanCheckpoint, SpooledRows, StreamState } from './scan-checkpoint';

/**
 * A checkpoint that lives as long as the process: for `crw scan --once` and the demo, which have no queue to
 * resume from. Findings are kept as JSON text, as the Redis checkpoint spools them: the same round trip, and
 * compact flat strings instead of objects whose text is still a rope of template pieces.
 */
/** Not a control id (those are CRW-…): a stream's inventory rows. */
const INVENTORY_LIST = '~inventory';

export class MemoryScanCheckpoint implements ScanCheckpoint {
  private facts: RunFacts | undefined;
  private readonly parts = new Map<string, unknown>();
  private readonly streams = new Map<string, StreamState>();
  private readonly spooled = new Map<string, string[]>();

  begin(facts: RunFacts): Promise<{ facts: RunFacts; resumed: boolean }> {
    const resumed = this.facts !== undefined;
    this.facts ??= facts;
    return Promise.resolve({ facts: this.facts, resumed });
  }

  loadPart(name: string): Promise<unknown> {
    return Promise.resolve(this.parts.get(name));
  }

  savePart(name: string, value: unknown): Promise<void> {
    this.parts.set(name, value);
    return Promise.resolve();
  }

  streamState(stream: string): Promise<StreamState | undefined> {
    return Promise.resolve(this.streams.get(stream));
  }

  commitPage(
    stream: string,
    state: StreamState,
    findings: ReadonlyMap<string, readonly Finding[]>,
    inventory: readonly InventoryRow[] = [],
  ): Promise<void> {
    for (const [controlId, list] of findings) this.append(`${stream}\n${controlId}`, list);
    this.append(`${stream}\n${INVENTORY_LIST}`, inventory);
    this.streams.set(stream, state);
    return Promise.resolve();
  }

  resetStream(stream: string): Promise<void> {
    this.streams.delete(stream);
    for (const key of [...this.spooled.keys()]) if (key.startsWith(`${stream}\n`)) this.spooled.delete(key);
    return Promise.resolve();
  }

  findings(stream: string, controlId: string): Promise<Finding[]> {
    const spool = this.spooled.get(`${stream}\n${controlId}`) ?? [];
    return Promise.resolve(spool.map((text) => JSON.parse(text) as Finding));
  }

  inventory(stream: string): Promise<SpooledRows> {
    const spool = this.spooled.get(`${stream}\n${INVENTORY_LIST}`) ?? [];
    async function* rows(): AsyncGenerator<InventoryRow> {
      for (const text of spool) yield JSON.parse(text) as InventoryRow;
    }
    return Promise.resolve({ count: spool.length, rows: rows() });
  }

  clear(): Promise<void> {
    this.facts = undefined;
    this.parts.clear();
    this.streams.clear();
    this.spooled.clear();
    return Promise.resolve();
  }

  private append(key: string, items: readonly unknown[]): void {
    if (items.length === 0) return;
    const spool = this.spooled.get(key) ?? [];
    for (const item of items) spool.push(JSON.stringify(item));
    this.spooled.set(key, spool);
  }
}
