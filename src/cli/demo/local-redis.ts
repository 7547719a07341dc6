import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pingRedis } from '../../worker/redis';
import { startChild, stopChild } from './child-process';

export interface DemoRedis {
  url: string;
  /** Stops the private server, if the demo started one. */
  stop(): Promise<void>;
}

/**
 * Redis for the demo: the one at `url` if it answers; otherwise a private redis-server (from PATH) on a free
 * port in a temporary folder, keeping nothing on disk, stopped afterwards.
 */
export async function ensureDemoRedis(url: string, logFd: number): Promise<DemoRedis> {
  if (await pingRedis(url)) return { url, stop: async () => undefined };
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'crw-demo-redis-'));
  const child = startChild(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    logFd,
  );
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (err) =>
      reject(
        new Error(
          `no Redis answers at ${url} and redis-server could not be started (${err.message}); start Redis or set CRW_REDIS_URL`,
        ),
      ),
    ),
  );
  const privateUrl = `redis://127.0.0.1:${port}`;
  const ready = (async () => {
    for (let i = 0; i < 100; i++) {
      if (await pingRedis(privateUrl, 500)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the private redis-server on port ${port} did not answer`);
  })();
  await Promise.race([ready, spawnFailed]);
  return {
    url: privateUrl,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
