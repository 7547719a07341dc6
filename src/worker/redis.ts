import IORedis, { type RedisOptions } from 'ioredis';

/**
 * ioredis options for a redis:// or rediss:// URL, as BullMQ needs them: blocking commands must never give up
 * (maxRetriesPerRequest null). BullMQ creates and closes its connections from these options itself.
 */
export function redisConnectionOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`Redis URL ${parsed.protocol}//${parsed.host}: expected redis:// or rediss://`);
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    db: Number.isInteger(db) ? db : 0,
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** Fails fast with a clear answer when nothing answers at `url` (CLI commands, the demo). */
export async function pingRedis(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new IORedis({
    ...redisConnectionOptions(url),
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
