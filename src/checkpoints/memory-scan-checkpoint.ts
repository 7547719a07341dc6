import type { Finding } from '../controls/types';
import type { RunFacts, ScanCheckpoint, StreamState } from './scan-checkpoint';

/**
 * A checkpoint that lives as long as the process: for `crw scan --once` and the demo, which have no queue to
 * resume from. Findings are held here exactly as the Redis checkpoint would spool them.
 */
export class MemoryScanCheckpoint implements ScanCheckpoint {
  private facts: RunFacts | undefined;
  private readonly parts = new Map<string, unknown>();
  private readonly streams = new Map<string, StreamState>();
  private readonly spooled = new Map<string, Finding[]>();

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
  ): Promise<void> {
    for (const [controlId, list] of findings) {
      const key = `${stream}\n${controlId}`;
      const spool = this.spooled.get(key) ?? [];
      spool.push(...list);
      this.spooled.set(key, spool);
    }
    this.streams.set(stream, state);
    return Promise.resolve();
  }

  resetStream(stream: string): Promise<void> {
    this.streams.delete(stream);
    for (const key of [...this.spooled.keys()]) if (key.startsWith(`${stream}\n`)) this.spooled.delete(key);
    return Promise.resolve();
  }

  findings(stream: string, controlId: string): Promise<Finding[]> {
    return Promise.resolve([...(this.spooled.get(`${stream}\n${controlId}`) ?? [])]);
  }

  clear(): Promise<void> {
    this.facts = undefined;
    this.parts.clear();
    this.streams.clear();
    this.spooled.clear();
    return Promise.resolve();
  }
}
