// Checks a client assertion (RFC 7523 JWT bearer, as msal-node builds it) against an app's registered
// certificates: PS256 + x5t#S256 or RS256 + x5t, aud = token endpoint, iss = sub = client id, time window.
import { decodeJwt, JwtFormatError, verifyJwtSignature, type DecodedJwt } from '../jwt';
import type { AppRegistration, RegisteredCertificate } from './app-registrations';

export type ClientAssertionCheck =
  { valid: true } | { valid: false; aadstsCode: number; description: string };

/** Entra tolerates this much clock difference on assertions. */
const CLOCK_SKEW_SECONDS = 300;

export function checkClientAssertion(
  assertion: string,
  app: AppRegistration,
  tokenEndpointUrl: string,
  nowMs = Date.now(),
): ClientAssertionCheck {
  let jwt: DecodedJwt;
  try {
    jwt = decodeJwt(assertion);
  } catch (error) {
    if (error instanceof JwtFormatError)
      return invalid(50027, `JWT token is invalid or is malformed. ${error.message}.`);
    throw error;
  }
  const certificate = signingCertificate(jwt, app);
  if (!certificate) {
    const thumbprint = String(jwt.header['x5t#S256'] ?? jwt.header['x5t'] ?? '(none)');
    return invalid(
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. ` +
        `[Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', ` +
        `Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id ` +
        `'${app.clientId}'.]`,
    );
  }
  if (!verifyJwtSignature(jwt, certificate.publicKey)) {
    return invalid(
      700027,
      `Client assertion contains an invalid signature (alg ${String(jwt.header['alg'])}).`,
    );
  }
  const { aud, iss, sub, exp, nbf } = jwt.payload;
  if (aud !== tokenEndpointUrl) {
    return invalid(
      700027,
      `Client assertion audience claim does not match the token endpoint. Expected '${tokenEndpointUrl}', got '${String(aud)}'.`,
    );
  }
  if (iss !== app.clientId || sub !== app.clientId) {
    return invalid(
      700027,
      `Client assertion iss and sub claims must both be the client id '${app.clientId}'.`,
    );
  }
  const now = Math.floor(nowMs / 1000);
  if (
    typeof exp !== 'number' ||
    exp + CLOCK_SKEW_SECONDS < now ||
    (typeof nbf === 'number' && nbf - CLOCK_SKEW_SECONDS > now)
  ) {
    return invalid(
      700024,
      `Client assertion is not within its valid time range. Current time: ${new Date(nowMs).toISOString()}, ` +
        `expiry time of assertion ${typeof exp === 'number' ? new Date(exp * 1000).toISOString() : '(missing)'}.`,
    );
  }
  return { valid: true };
}

/** The registered certificate named by the assertion's thumbprint header (x5t#S256 preferred over x5t). */
function signingCertificate(jwt: DecodedJwt, app: AppRegistration): RegisteredCertificate | undefined {
  const sha256 = jwt.header['x5t#S256'];
  if (typeof sha256 === 'string') return app.certificates.find((cert) => cert.thumbprints.sha256 === sha256);
  const sha1 = jwt.header['x5t'];
  if (typeof sha1 === 'string') return app.certificates.find((cert) => cert.thumbprints.sha1 === sha1);
  return undefined;
}

function invalid(aadstsCode: number, description: string): ClientAssertionCheck {
  return { valid: false, aadstsCode, description };
}
