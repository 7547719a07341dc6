import IORedis, { type Redis } from 'ioredis';

/** A Redis connection as BullMQ requires it: blocking commands must not give up (maxRetriesPerRequest null). */
export function createRedisConnection(url: string): Redis {
  return new IORedis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** Fails fast with a clear message when nothing answers at `url` (CLI commands, the demo). */
export async function pingRedis(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new IORedis(url, {
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
