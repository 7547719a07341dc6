// X.509 material for the sim: a CA with the TLS server certificate it signs, and self-signed app certificates.
// Keys come from Node's crypto (native, fast); node-forge only builds and signs the certificates.
import { createHash, generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateRsaKeyPair = promisify(generateKeyPair);

/** A certificate with its private key, both PEM (key in PKCS#8). */
export interface CertificateWithKey {
  certificatePem: string;
  privateKeyPem: string;
}

export interface CertificateThumbprints {
  /** base64url SHA-1 of the DER certificate, as in a JWT `x5t` header. */
  sha1: string;
  /** base64url SHA-256 of the DER certificate, as in a JWT `x5t#S256` header. */
  sha256: string;
}

interface CertificateSpec {
  subjectCommonName: string;
  validDays: number;
  isCa: boolean;
  /** Subject alternative names of a TLS server certificate. */
  serverNames?: { dns: string[]; ips: string[] };
  /** Signs the new certificate; absent = self-signed. */
  issuer?: CertificateWithKey;
}

/** RSA 2048 key pair as PEM strings (PKCS#8 private key, SPKI public key). */
export async function generateRsaKeyPairPem(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** A self-signed certificate authority valid for `validDays`. */
export async function createCertificateAuthority(
  commonName: string,
  validDays = 30,
): Promise<CertificateWithKey> {
  return createCertificate({ subjectCommonName: commonName, validDays, isCa: true });
}

/** A TLS server certificate for the given names, signed by `ca`. */
export async function issueServerCertificate(
  ca: CertificateWithKey,
  names: { dns: string[]; ips: string[] },
  validDays = 30,
): Promise<CertificateWithKey> {
  return createCertificate({
    subjectCommonName: names.dns[0] ?? names.ips[0] ?? 'localhost',
    validDays,
    isCa: false,
    serverNames: names,
    issuer: ca,
  });
}

/** A self-signed client certificate, as an app registration's credential. */
export async function createSelfSignedCertificate(
  commonName: string,
  validDays = 365,
): Promise<CertificateWithKey> {
  return createCertificate({ subjectCommonName: commonName, validDays, isCa: false });
}

/** Thumbprints of the first certificate in `certificatePem`. */
export function certificateThumbprints(certificatePem: string): CertificateThumbprints {
  const der = certificateDer(certificatePem);
  return {
    sha1: createHash('sha1').update(der).digest('base64url'),
    sha256: createHash('sha256').update(der).digest('base64url'),
  };
}

/** DER bytes of the first certificate in a PEM string. */
export function certificateDer(certificatePem: string): Buffer {
  const match = /-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/.exec(certificatePem);
  if (!match?.[1]) throw new Error('No PEM certificate found (expected "-----BEGIN CERTIFICATE-----")');
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

async function createCertificate(spec: CertificateSpec): Promise<CertificateWithKey> {
  const keys = await generateRsaKeyPairPem();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  // Positive serial: a leading 0x00-0x7f byte keeps the DER integer positive.
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  const notBefore = new Date(Date.now() - 60_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + spec.validDays * 86_400_000);
  const subject = [{ name: 'commonName', value: spec.subjectCommonName }];
  cert.setSubject(subject);

  const extensions: object[] = [];
  if (spec.isCa) {
    extensions.push(
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    );
  } else {
    extensions.push(
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    );
  }
  if (spec.serverNames) {
    extensions.push(
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...spec.serverNames.dns.map((value) => ({ type: 2, value })),
          ...spec.serverNames.ips.map((ip) => ({ type: 7, ip })),
        ],
      },
    );
  }
  extensions.push({ name: 'subjectKeyIdentifier' });

  if (spec.issuer) {
    const issuerCert = forge.pki.certificateFromPem(spec.issuer.certificatePem);
    cert.setIssuer(issuerCert.subject.attributes);
    extensions.push({
      name: 'authorityKeyIdentifier',
      keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes(),
    });
  } else {
    cert.setIssuer(subject);
  }
  cert.setExtensions(extensions);
  cert.sign(
    forge.pki.privateKeyFromPem(spec.issuer?.privateKeyPem ?? keys.privateKeyPem) as forge.pki.rsa.PrivateKey,
    forge.md.sha256.create(),
  );
  return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem: keys.privateKeyPem };
}
