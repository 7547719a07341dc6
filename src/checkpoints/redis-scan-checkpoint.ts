import type IORedis from 'ioredis';
import type { Finding } from '../controls/types';
import { decodeCheckpointValue, encodeCheckpointValue } from './checkpoint-codec';
import type { InventoryRow, RunFacts, ScanCheckpoint, SpooledRows, StreamState } from './scan-checkpoint';

// KEYS[1] the run's hash, KEYS[2] the set of its findings lists; ARGV[1] TTL in ms. Every key of the run lives
// (and expires) together, so a resumed run never finds its cursor without the findings that came before it.
const TOUCH = `
for _, key in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('PEXPIRE', key, ARGV[1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1`;

// KEYS as TOUCH; ARGV[1] prefix of the lists to delete ('' = all), ARGV[2] hash field to delete ('' = the hash).
const FORGET = `
for _, key in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if string.sub(key, 1, #ARGV[1]) == ARGV[1] then
    redis.call('DEL', key)
    redis.call('SREM', KEYS[2], key)
  end
end
if ARGV[2] == '' then redis.call('DEL', KEYS[1], KEYS[2]) else redis.call('HDEL', KEYS[1], ARGV[2]) end
return 1`;

const READ_CHUNK = 5000;
/** Not a control id (those are CRW-…): the list of a stream's inventory rows sits beside its findings lists. */
const INVENTORY_LIST = '~inventory';

/**
 * A run's checkpoint in Redis under `<prefix>:checkpoint:<tenant>:<runId>`: a hash (facts, saved parts, stream
 * positions), one list of findings per stream and control and one of inventory rows per stream. Each page is committed in one MULTI (findings and
 * position together: a worker killed between two pages leaves no duplicate and no gap). Keys expire `ttlMs`
 * after the last write, so an abandoned run cleans up after itself.
 */
export class RedisScanCheckpoint implements ScanCheckpoint {
  private readonly base: string;
  private readonly listSet: string;

  constructor(
    private readonly redis: IORedis,
    prefix: string,
    tenant: string,
    runId: string,
    private readonly ttlMs: number,
  ) {
    this.base = `${prefix}:checkpoint:${tenant}:${runId}`;
    this.listSet = `${this.base}:lists`;
  }

  async begin(facts: RunFacts): Promise<{ facts: RunFacts; resumed: boolean }> {
    const [[, created]] = (await this.redis
      .multi()
      .hsetnx(this.base, 'facts', JSON.stringify(facts))
      .pexpire(this.base, this.ttlMs)
      .exec()) as [[Error | null, number]];
    if (created === 1) return { facts, resumed: false };
    const saved = await this.redis.hget(this.base, 'facts');
    return { facts: saved === null ? facts : (JSON.parse(saved) as RunFacts), resumed: true };
  }

  async loadPart(name: string): Promise<unknown> {
    const text = await this.redis.hget(this.base, `part:${name}`);
    return text === null ? undefined : decodeCheckpointValue(text);
  }

  async savePart(name: string, value: unknown): Promise<void> {
    await this.redis
      .multi()
      .hset(this.base, `part:${name}`, encodeCheckpointValue(value))
      .eval(TOUCH, 2, this.base, this.listSet, this.ttlMs)
      .exec();
  }

  async streamState(stream: string): Promise<StreamState | undefined> {
    const text = await this.redis.hget(this.base, `stream:${stream}`);
    return text === null ? undefined : (JSON.parse(text) as StreamState);
  }

  async commitPage(
    stream: string,
    state: StreamState,
    findings: ReadonlyMap<string, readonly Finding[]>,
    inventory: readonly InventoryRow[] = [],
  ): Promise<void> {
    const multi = this.redis.multi();
    const append = (key: string, items: readonly unknown[]) => {
      if (items.length === 0) return;
      multi.rpush(key, ...items.map((item) => JSON.stringify(item)));
      multi.sadd(this.listSet, key);
    };
    for (const [controlId, list] of findings) append(this.listKey(stream, controlId), list);
    append(this.listKey(stream, INVENTORY_LIST), inventory);
    multi.hset(this.base, `stream:${stream}`, JSON.stringify(state));
    multi.eval(TOUCH, 2, this.base, this.listSet, this.ttlMs);
    const replies = await multi.exec();
    const failed = replies?.find(([err]) => err !== null)?.[0];
    if (failed) throw failed;
  }

  async resetStream(stream: string): Promise<void> {
    await this.redis.eval(FORGET, 2, this.base, this.listSet, this.listKey(stream, ''), `stream:${stream}`);
  }

  async findings(stream: string, controlId: string): Promise<Finding[]> {
    const key = this.listKey(stream, controlId);
    const found: Finding[] = [];
    for (let start = 0; ; start += READ_CHUNK) {
      const chunk = await this.redis.lrange(key, start, start + READ_CHUNK - 1);
      for (const text of chunk) found.push(JSON.parse(text) as Finding);
      if (chunk.length < READ_CHUNK) return found;
    }
  }

  async inventory(stream: string): Promise<SpooledRows> {
    const key = this.listKey(stream, INVENTORY_LIST);
    const count = await this.redis.llen(key);
    const redis = this.redis;
    async function* rows(): AsyncGenerator<InventoryRow> {
      for (let start = 0; start < count; start += READ_CHUNK) {
        const chunk = await redis.lrange(key, start, Math.min(start + READ_CHUNK, count) - 1);
        for (const text of chunk) yield JSON.parse(text) as InventoryRow;
      }
    }
    return { count, rows: rows() };
  }

  async clear(): Promise<void> {
    await this.redis.eval(FORGET, 2, this.base, this.listSet, '', '');
  }

  /** A stream's list: findings of one control, or INVENTORY_LIST. */
  private listKey(stream: string, list: string): string {
    return `${this.base}:findings:${stream}:${list}`;
  }
}
