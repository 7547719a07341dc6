import { Writable } from 'node:stream';
import { createLogger } from '../src/observability/logger';
import { scrubSecrets } from '../src/observability/scrub-secrets';

const JWT = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoIn0.c2lnbmF0dXJlLXZhbHVl';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info' }, sink) };
}

describe('log redaction', () => {
  it('removes secret-bearing fields by path', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        clientSecret: 's3cr3t-value',
        request: { headers: { authorization: `Bearer ${JWT}` } },
        tenant: 'contoso',
      },
      'x',
    );
    const text = lines.join('');
    expect(text).not.toContain('s3cr3t-value');
    expect(text).not.toContain(JWT);
    expect(text).toContain('contoso');
  });

  it('scrubs tokens, PEM blocks and form secrets from error messages and stacks', () => {
    const { lines, logger } = capture();
    const err = new Error(`token request failed: client_secret=abc123XYZ&scope=x; got ${JWT}\n${PEM}`);
    logger.error({ err }, 'failed');
    const text = lines.join('');
    for (const secret of ['abc123XYZ', JWT, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'])
      expect(text).not.toContain(secret);
    expect(text).toContain('token request failed');
  });

  it('leaves ordinary text alone', () => {
    expect(scrubSecrets('tenant contoso: 3 Global Administrators')).toBe(
      'tenant contoso: 3 Global Administrators',
    );
  });
});
