import IORedis from 'ioredis';

export const REDIS_URL = process.env.CRW_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own for each test run, so parallel test files never see each other's queues. */
export function uniquePrefix(label: string): string {
  return `crw-test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Every key under `prefix` with its whole content as text (for secret greps). */
export async function dumpKeys(prefix: string): Promise<Map<string, string>> {
  const redis = new IORedis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    const dump = new Map<string, string>();
    for (const key of keys) {
      const type = await redis.type(key);
      let content: unknown;
      if (type === 'string') content = await redis.get(key);
      else if (type === 'hash') content = await redis.hgetall(key);
      else if (type === 'list') content = await redis.lrange(key, 0, -1);
      else if (type === 'set') content = await redis.smembers(key);
      else if (type === 'zset') content = await redis.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') content = await redis.xrange(key, '-', '+');
      dump.set(key, JSON.stringify(content));
    }
    return dump;
  } finally {
    redis.disconnect();
  }
}

export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new IORedis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
