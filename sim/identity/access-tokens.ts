// Issues and verifies the sim's access tokens (JWT RS256, v1-style claims with appid and roles).
// Revocation retires the signing key: every token signed before is then refused, with no per-token state.
// A CAE claims challenge (requireClaims) makes tokens of one audience issued before its nbf fail with
// insufficient_claims until the client asks the token endpoint for a token with those claims.
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
  | 'empty'
  | 'malformed'
  | 'invalid-signature'
  | 'revoked'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-audience'
  | 'insufficient-claims';

export type AccessTokenCheck =
  | { valid: true; claims: AccessTokenClaims }
  /** `claims`: the base64 claims challenge, for 'insufficient-claims'. */
  | { valid: false; failure: AccessTokenFailure; message: string; claims?: string };

/** Sim-only claim: the CAE nbf a token was requested with (the token endpoint's `claims` parameter). */
const CLAIMS_NBF_CLAIM = 'xms_sim_claims_nbf';

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
  /** CAE challenges: audience → nbf (epoch seconds) that tokens must satisfy. */
  private readonly claimsChallenges = new Map<string, number>();

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

  /** `claimsNbf`: the nbf of a CAE claims request (token endpoint `claims` parameter) the token satisfies. */
  issue(grant: AccessTokenGrant, nowMs = Date.now(), claimsNbf?: number): IssuedAccessToken {
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
    const payload = {
      ...claims,
      sub: grant.objectId,
      idtyp: 'app',
      ver: '1.0',
      ...(claimsNbf !== undefined && { [CLAIMS_NBF_CLAIM]: claimsNbf }),
    };
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
    const requiredNbf = this.claimsChallenges.get(claims.aud);
    const satisfiedNbf = jwt.payload[CLAIMS_NBF_CLAIM];
    if (
      requiredNbf !== undefined &&
      (typeof satisfiedNbf === 'number' ? satisfiedNbf : claims.iat) < requiredNbf
    ) {
      return {
        valid: false,
        failure: 'insufficient-claims',
        message:
          'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: ' +
          'TokenIssuedBeforeRevocationTimestamp',
        claims: claimsChallenge(requiredNbf),
      };
    }
    return { valid: true, claims };
  }

  /**
   * CAE: from now on, tokens for `audience` issued before this moment are refused with a claims challenge until
   * the client requests a new token with the challenge's claims. Returns the base64 claims of the challenge.
   */
  requireClaims(audience: string, nowMs = Date.now()): string {
    // The next whole second: a token issued earlier in this same second must fail too.
    const nbf = Math.floor(nowMs / 1000) + 1;
    this.claimsChallenges.set(audience, nbf);
    return claimsChallenge(nbf);
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
    const challenge =
      result.claims === undefined
        ? GRAPH_WWW_AUTHENTICATE
        : `${GRAPH_WWW_AUTHENTICATE}, error="insufficient_claims", claims="${result.claims}"`;
    return graphError(
      401,
      'InvalidAuthenticationToken',
      result.message,
      {},
      { 'www-authenticate': challenge },
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

/** The base64 claims of a CAE challenge: {"access_token":{"nbf":{"essential":true,"value":"<epoch>"}}}. */
export function claimsChallenge(nbf: number): string {
  const claims = { access_token: { nbf: { essential: true, value: String(nbf) } } };
  return Buffer.from(JSON.stringify(claims)).toString('base64');
}

/**
 * The nbf a token request's `claims` parameter (decoded JSON, as MSAL sends it) asks for; undefined when it asks
 * for none, 'invalid' when the parameter is not a JSON object.
 */
export function requestedClaimsNbf(claimsParameter: string): number | undefined | 'invalid' {
  let parsed: unknown;
  try {
    parsed = JSON.parse(claimsParameter);
  } catch {
    return 'invalid';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'invalid';
  const accessToken = (parsed as Record<string, unknown>)['access_token'];
  if (typeof accessToken !== 'object' || accessToken === null) return undefined;
  const nbf = (accessToken as Record<string, unknown>)['nbf'];
  if (typeof nbf !== 'object' || nbf === null) return undefined;
  const value = Number((nbf as Record<string, unknown>)['value']);
  return Number.isFinite(value) ? value : undefined;
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
