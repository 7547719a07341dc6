// Checkpoints (issue 5): the Redis checkpoint keeps a run's facts, parts and stream positions with their findings,
// commits each page atomically and cleans up; the stream runner resumes at the saved link and starts over when
// the service refuses it.
import IORedis from 'ioredis';
import { decodeCheckpointValue, encodeCheckpointValue } from '../src/checkpoints/checkpoint-codec';
import { MemoryScanCheckpoint } from '../src/checkpoints/memory-scan-checkpoint';
import { RedisScanCheckpoint } from '../src/checkpoints/redis-scan-checkpoint';
import type { ScanCheckpoint, StreamState } from '../src/checkpoints/scan-checkpoint';
import { GraphError } from '../src/cloud/graph-error';
import type { Finding } from '../src/controls/types';
import { runCheckpointedStream, type SourcePage } from '../src/jobs/checkpointed-stream';
import { createLogger } from '../src/observability/logger';
import { deleteKeys, REDIS_URL, uniquePrefix } from './helpers/redis-keys';

const logger = createLogger({ level: 'silent' });

function finding(name: string): Finding {
  return { assetType: 'user', assetId: `id-${name}`, assetName: name, detail: `detail of ${name}` };
}

describe('checkpoint codec', () => {
  it('keeps Maps and Sets, nested inside plain objects', () => {
    const value = {
      ok: true,
      value: { byId: new Map([['a', { ids: new Set(['x', 'y']) }]]), list: [1, 'two', null] },
    };
    expect(decodeCheckpointValue(encodeCheckpointValue(value))).toEqual(value);
  });
});

describe('RedisScanCheckpoint', () => {
  const prefix = uniquePrefix('checkpoint');
  let redis: IORedis;
  beforeAll(() => {
    redis = new IORedis(REDIS_URL);
  });
  afterAll(async () => {
    await deleteKeys(prefix);
    redis.disconnect();
  });

  it('gives a resumed run the first start facts, its parts, positions and findings in order', async () => {
    const first = new RedisScanCheckpoint(redis, prefix, 'contoso', 'run-1', 60_000);
    const facts = { startedAt: '2026-01-01T00:00:00.000Z', now: '2026-01-01T00:00:00.000Z' };
    expect(await first.begin(facts)).toEqual({ facts, resumed: false });
    await first.savePart('tenantSnapshot', { registrations: new Map([['u1', { ok: true }]]) });
    const state: StreamState = {
      next: 'https://graph/users?$skiptoken=2',
      done: false,
      pages: 1,
      items: 2,
      notes: {},
    };
    await first.commitPage('users', state, new Map([['CRW-ID-04', [finding('a'), finding('b')]]]), [
      ['a', '2026-01-01T00:00:00.000Z', true],
      ['b', null, false],
    ]);
    await first.commitPage(
      'users',
      { ...state, pages: 2 },
      new Map([
        ['CRW-ID-04', [finding('c')]],
        ['CRW-ID-05', []],
      ]),
      [['c', null, 3]],
    );

    // Another worker, same run: the facts of the first start, not its own.
    const second = new RedisScanCheckpoint(redis, prefix, 'contoso', 'run-1', 60_000);
    const later = { startedAt: '2026-02-01T00:00:00.000Z', now: '2026-02-01T00:00:00.000Z' };
    expect(await second.begin(later)).toEqual({ facts, resumed: true });
    expect(await second.loadPart('tenantSnapshot')).toEqual({
      registrations: new Map([['u1', { ok: true }]]),
    });
    expect(await second.loadPart('exchangeSnapshot')).toBeUndefined();
    expect(await second.streamState('users')).toEqual({ ...state, pages: 2 });
    expect((await second.findings('users', 'CRW-ID-04')).map((f) => f.assetName)).toEqual(['a', 'b', 'c']);
    expect(await second.findings('users', 'CRW-ID-05')).toEqual([]);
    const inventory = await second.inventory('users');
    expect(inventory.count).toBe(3);
    expect(await fromAsync(inventory.rows)).toEqual([
      ['a', '2026-01-01T00:00:00.000Z', true],
      ['b', null, false],
      ['c', null, 3],
    ]);
    expect((await second.inventory('mailboxes')).count).toBe(0);

    // Every key of the run carries the TTL.
    const keys = await redis.keys(`${prefix}:checkpoint:contoso:run-1*`);
    expect(keys.length).toBe(4);
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);

    await second.resetStream('users');
    expect(await second.streamState('users')).toBeUndefined();
    expect(await second.findings('users', 'CRW-ID-04')).toEqual([]);
    expect((await second.inventory('users')).count).toBe(0);
    expect(await second.loadPart('tenantSnapshot')).toBeDefined();

    await second.clear();
    expect(await redis.keys(`${prefix}:checkpoint:contoso:run-1*`)).toEqual([]);
  });

  it('keeps runs apart', async () => {
    const a = new RedisScanCheckpoint(redis, prefix, 'contoso', 'run-a', 60_000);
    const b = new RedisScanCheckpoint(redis, prefix, 'contoso', 'run-b', 60_000);
    await a.commitPage(
      'users',
      { next: null, done: true, pages: 1, items: 1, notes: {} },
      new Map([['X', [finding('a')]]]),
    );
    expect(await b.streamState('users')).toBeUndefined();
    expect(await b.findings('users', 'X')).toEqual([]);
    await a.clear();
  });
});

async function fromAsync<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** A paged source of numbered items whose links are "link-<offset>"; records which offsets were read. */
function numberedSource(total: number, pageSize: number, refuseLinks = false) {
  const reads: number[] = [];
  async function* open(from: StreamState | undefined): AsyncIterable<SourcePage<number>> {
    let offset = from?.next ? Number(from.next.replace('link-', '')) : 0;
    if (from?.next && refuseLinks) throw new GraphError(400, 'BadRequest', '/users', 'expired skip token');
    for (;;) {
      await Promise.resolve();
      reads.push(offset);
      const items = Array.from({ length: Math.min(pageSize, total - offset) }, (_, i) => offset + i);
      offset += items.length;
      yield { items, next: offset < total ? `link-${offset}` : null };
      if (offset >= total) return;
    }
  }
  return { open, reads };
}

function stream(checkpoint: ScanCheckpoint, source: ReturnType<typeof numberedSource>, failAtPage?: number) {
  let judged = 0;
  return {
    checkpoint,
    name: 'users',
    controlIds: ['EVEN'],
    open: source.open,
    judge: (items: number[]) => {
      if (++judged === failAtPage) throw new Error('worker died');
      return Promise.resolve({
        findings: new Map([['EVEN', items.filter((n) => n % 2 === 0).map((n) => finding(String(n)))]]),
      });
    },
    progress: () => undefined,
    logger,
  };
}

describe('runCheckpointedStream', () => {
  it('resumes at the saved link: no page read twice after the failure, no finding lost or doubled', async () => {
    const checkpoint = new MemoryScanCheckpoint();
    const source = numberedSource(100, 10);
    await expect(runCheckpointedStream(stream(checkpoint, source, 4))).rejects.toThrow('worker died');
    expect(source.reads).toEqual([0, 10, 20, 30]);
    const outcome = await runCheckpointedStream(stream(checkpoint, source));
    // The page being judged when it died (offset 30) is read again; nothing before it.
    expect(source.reads).toEqual([0, 10, 20, 30, 30, 40, 50, 60, 70, 80, 90]);
    const even = Array.from({ length: 50 }, (_, i) => String(i * 2));
    expect(outcome.findings.get('EVEN')?.map((f) => f.assetName)).toEqual(even);
    // A finished stream is not read again.
    await runCheckpointedStream(stream(checkpoint, source));
    expect(source.reads.length).toBe(11);
  });

  it('starts over when the service refuses the saved link', async () => {
    const checkpoint = new MemoryScanCheckpoint();
    await expect(runCheckpointedStream(stream(checkpoint, numberedSource(30, 10), 2))).rejects.toThrow();
    const refusing = numberedSource(30, 10, true);
    const outcome = await runCheckpointedStream(stream(checkpoint, refusing));
    expect(refusing.reads).toEqual([0, 10, 20]);
    expect(outcome.findings.get('EVEN')?.length).toBe(15);
  });

  it('completes an empty collection', async () => {
    const checkpoint = new MemoryScanCheckpoint();
    const outcome = await runCheckpointedStream(stream(checkpoint, numberedSource(0, 10)));
    expect(outcome.findings.get('EVEN')).toEqual([]);
    expect((await checkpoint.streamState('users'))?.done).toBe(true);
  });
});
