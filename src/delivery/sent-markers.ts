// Which messages an SMTP server has accepted. SMTP has no way to ask a server "did you get Message-ID X?", so
// the SMTP transport records a marker once the server answered 250 to DATA, and a retried delivery job asks the
// marker before sending again.

import { createHash } from 'node:crypto';
import type IORedis from 'ioredis';

export interface SentMarkers {
  /** Whether a message with this Message-ID was accepted by the server. */
  has(messageId: string): Promise<boolean>;
  /** Records that the server accepted this Message-ID. */
  record(messageId: string): Promise<void>;
}

/**
 * 30 days: far longer than any delivery retry window (attempts × backoff, hours at most) and than failed jobs are
 * kept for a manual retry, so a retry never sends twice; yet bounded, so one key per delivered report does not
 * pile up in Redis forever.
 */
export const SENT_MARKER_TTL_SECONDS = 30 * 24 * 60 * 60;

/**
 * Markers in Redis, shared by every worker, under `<prefix>:delivery:sent:<sha256 hex of the Message-ID>`: the
 * hash gives a fixed-length key free of the tenant names and characters a Message-ID carries. The value is the
 * time of recording, for whoever inspects the key.
 */
export class RedisSentMarkers implements SentMarkers {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
    private readonly ttlSeconds = SENT_MARKER_TTL_SECONDS,
  ) {}

  async has(messageId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(messageId))) === 1;
  }

  async record(messageId: string): Promise<void> {
    await this.redis.set(this.key(messageId), new Date().toISOString(), 'EX', this.ttlSeconds);
  }

  key(messageId: string): string {
    return `${this.prefix}:delivery:sent:${createHash('sha256').update(messageId).digest('hex')}`;
  }
}
