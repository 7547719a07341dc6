// Issues and verifies the sim's access tokens (JWT RS256, v1-style claims with appid and roles).
// Revocation retires the signing key: every token signed before is then refused, with no per-token state.
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { generateRsaKeyPairPem } from '../ca';
import { graphError } from '../graph-errors';
import { decodeJwt, JwtFormatError, signJwtRs256, verifyJwtSignature } from '../jwt';
import type { AccessTokenClaims, SimResponse } from '../types';

/** Who a token is for and what it grants. */
export interface AccessTokenGrant {
  /** `iss` claim, e.g. "https://127.0.0.1:PORT/{tenantId}/". */
  issuer: string;
  tenantId: string;
  appId: string;
  objectId: string;
  /** Resource the token is for, e.g. "https://graph.microsoft.com". */
  audience: string;
  roles: string[];
}

export interface IssuedAccessToken {
  accessToken: string;
  expiresInSeconds: number;
  /** Epoch seconds. */
  expiresOn: number;
  claims: AccessTokenClaims;
}

export type AccessTokenFailure =
  'empty' | 'malformed' | 'invalid-signature' | 'revoked' | 'expired' | 'not-yet-valid' | 'wrong-audience';

export type AccessTokenCheck =
  { valid: true; claims: AccessTokenClaims } | { valid: false; failure: AccessTokenFailure; message: string };

/** What Graph sends with a 401 (wire facts). */
export const GRAPH_WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
  'client_id="00000003-0000-0000-c000-000000000000"';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export class AccessTokenService {
  private readonly retiredKeyIds = new Set<string>();

  private constructor(
    private signingKey: SigningKey,
    private lifetime: number,
  ) {}

  static async create(lifetimeSeconds: number): Promise<AccessTokenService> {
    return new AccessTokenService(await createSigningKey(), checkedLifetime(lifetimeSeconds));
  }

  get lifetimeSeconds(): number {
    return this.lifetime;
  }

  /** Lifetime of tokens issued from now on; tokens already issued keep theirs. */
  setLifetime(seconds: number): void {
    this.lifetime = checkedLifetime(seconds);
  }

  issue(grant: AccessTokenGrant, nowMs = Date.now()): IssuedAccessToken {
    const now = Math.floor(nowMs / 1000);
    const claims: AccessTokenClaims = {
      aud: grant.audience,
      iss: grant.issuer,
      tid: grant.tenantId,
      appid: grant.appId,
      oid: grant.objectId,
      roles: [...grant.roles],
      iat: now,
      nbf: now,
      exp: now + this.lifetime,
    };
    const payload = { ...claims, sub: grant.objectId, idtyp: 'app', ver: '1.0' };
    const accessToken = signJwtRs256(
      { typ: 'JWT', kid: this.signingKey.kid },
      payload,
      this.signingKey.privateKey,
    );
    return { accessToken, expiresInSeconds: this.lifetime, expiresOn: claims.exp, claims };
  }

  /** Checks an `Authorization: Bearer <token>` header value; the caller shapes the error for its service. */
  check(
    authorizationHeader: string | undefined,
    expectedAudience: string,
    nowMs = Date.now(),
  ): AccessTokenCheck {
    const token = bearerToken(authorizationHeader);
    if (!token) return { valid: false, failure: 'empty', message: 'Access token is empty.' };
    let jwt;
    try {
      jwt = decodeJwt(token);
    } catch (error) {
      if (error instanceof JwtFormatError)
        return { valid: false, failure: 'malformed', message: 'JWT is not well formed.' };
      throw error;
    }
    const kid = jwt.header['kid'];
    if (typeof kid === 'string' && this.retiredKeyIds.has(kid)) {
      return { valid: false, failure: 'revoked', message: 'Access token has expired or is not yet valid.' };
    }
    if (
      jwt.header['alg'] !== 'RS256' ||
      kid !== this.signingKey.kid ||
      !verifyJwtSignature(jwt, this.signingKey.publicKey)
    ) {
      return {
        valid: false,
        failure: 'invalid-signature',
        message: 'Access token validation failure. Invalid signature.',
      };
    }
    const claims = jwt.payload as unknown as AccessTokenClaims;
    const now = nowMs / 1000;
    if (now >= claims.exp) {
      return {
        valid: false,
        failure: 'expired',
        message: 'Lifetime validation failed, the token is expired.',
      };
    }
    if (now < claims.nbf) {
      return {
        valid: false,
        failure: 'not-yet-valid',
        message: 'Access token has expired or is not yet valid.',
      };
    }
    if (claims.aud !== expectedAudience) {
      return {
        valid: false,
        failure: 'wrong-audience',
        message: 'Access token validation failure. Invalid audience.',
      };
    }
    return { valid: true, claims };
  }

  /**
   * Graph's way: the token's claims, or a ready 401 InvalidAuthenticationToken response with Graph's
   * WWW-Authenticate header.
   */
  verifyAccessToken(
    authorizationHeader: string | undefined,
    expectedAudience: string,
    nowMs = Date.now(),
  ): AccessTokenClaims | SimResponse {
    const result = this.check(authorizationHeader, expectedAudience, nowMs);
    if (result.valid) return result.claims;
    return graphError(
      401,
      'InvalidAuthenticationToken',
      result.message,
      {},
      {
        'www-authenticate': GRAPH_WWW_AUTHENTICATE,
      },
    );
  }

  /** Makes every token issued so far invalid (the signing key is retired and replaced). */
  async revokeAll(): Promise<void> {
    const next = await createSigningKey();
    this.retiredKeyIds.add(this.signingKey.kid);
    this.signingKey = next;
  }

  /** The JWKS document of the current signing key. */
  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.signingKey.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', use: 'sig', kid: this.signingKey.kid, n: jwk.n, e: jwk.e }] };
  }
}

/** Distinguishes the two results of `verifyAccessToken`. */
export function isSimResponse(value: AccessTokenClaims | SimResponse): value is SimResponse {
  return 'status' in value;
}

function bearerToken(authorizationHeader: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorizationHeader ?? '');
  return match?.[1];
}

function checkedLifetime(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new RangeError(`Token lifetime must be a whole number of seconds >= 1 (got ${seconds})`);
  }
  return seconds;
}

async function createSigningKey(): Promise<SigningKey> {
  const { privateKeyPem, publicKeyPem } = await generateRsaKeyPairPem();
  return {
    kid: randomBytes(20).toString('base64url'),
    privateKey: createPrivateKey(privateKeyPem),
    publicKey: createPublicKey(publicKeyPem),
  };
}
