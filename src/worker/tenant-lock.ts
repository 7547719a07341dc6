import type IORedis from 'ioredis';
import type { TenantLockAttempt, TenantLocks } from '../jobs/scan-processor';
import type { Logger } from '../observability/logger';

// Takes the lock for ARGV[1] unless another owner holds it; the same owner (a retried or recovered job) re-takes it.
// Returns 1 when held, else the holder's id.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return holder or ''`;

// Compare-and-renew and compare-and-delete: only the owner may extend or free the lock.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * One scan per tenant across all workers on a Redis: a key `<prefix>:scans:tenant-lock:<tenant>` holding the job id.
 * The owner renews it every ttl/3 while the scan runs; a worker that dies leaves a lock that expires after ttlMs.
 */
export class RedisTenantLocks implements TenantLocks {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  key(tenant: string): string {
    return `${this.prefix}:scans:tenant-lock:${tenant}`;
  }

  /** Takes (or re-takes) the lock and keeps it renewed until release(); or says which job holds it. */
  async acquire(tenant: string, owner: string): Promise<TenantLockAttempt> {
    const taken = await this.redis.eval(ACQUIRE, 1, this.key(tenant), owner, this.ttlMs);
    if (taken !== 1) return { acquired: false, holder: String(taken) };

    const timer = setInterval(
      () => {
        this.renew(tenant, owner)
          .then((renewed) => {
            if (!renewed) this.logger.warn({ tenant, owner }, 'tenant lock lost: it expired before renewal');
          })
          .catch((err: unknown) => this.logger.warn({ err, tenant, owner }, 'tenant lock renewal failed'));
      },
      Math.max(1, Math.floor(this.ttlMs / 3)),
    );
    timer.unref();
    let released = false;
    return {
      acquired: true,
      // Once only: a second release could delete the lock that the same job re-took on another worker.
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        await this.release(tenant, owner);
      },
    };
  }

  /** Extends the lock by ttlMs if `owner` still holds it. */
  async renew(tenant: string, owner: string): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.key(tenant), owner, this.ttlMs)) === 1;
  }

  /** Frees the lock if `owner` holds it; never another owner's. */
  async release(tenant: string, owner: string): Promise<boolean> {
    return (await this.redis.eval(RELEASE, 1, this.key(tenant), owner)) === 1;
  }
}
