// Certificate-backed secrets, as Key Vault keeps them: the certificate and its key in a password-less PKCS#12
// (base64, contentType application/x-pkcs12), served as PEM (certificate first, then the PKCS#8 key) on request.
import { createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import type { CertificateWithKey } from '../ca';

export const PKCS12_CONTENT_TYPE = 'application/x-pkcs12';
export const PEM_CONTENT_TYPE = 'application/x-pem-file';

export function toPkcs12Base64(certificate: CertificateWithKey): string {
  const key = forge.pki.privateKeyFromPem(certificate.privateKeyPem);
  const cert = forge.pki.certificateFromPem(certificate.certificatePem);
  // Key Vault's exported PFX has an empty password.
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert], '', { algorithm: 'aes256' });
  return forge.util.encode64(forge.asn1.toDer(asn1).getBytes());
}

/** PEM of a password-less base64 PKCS#12: every certificate, then the private key (PKCS#8). */
export function pkcs12Base64ToPem(pkcs12Base64: string): string {
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(pkcs12Base64)), '');
  const certBagOid = forge.pki.oids['certBag'] ?? '1.2.840.113549.1.12.10.1.3';
  const keyBagOid = forge.pki.oids['pkcs8ShroudedKeyBag'] ?? '1.2.840.113549.1.12.10.1.2';
  const certificates = (p12.getBags({ bagType: certBagOid })[certBagOid] ?? []).flatMap((bag) =>
    bag.cert ? [forge.pki.certificateToPem(bag.cert)] : [],
  );
  const keyBag = p12.getBags({ bagType: keyBagOid })[keyBagOid]?.[0];
  if (!keyBag?.key || certificates.length === 0) {
    throw new Error('The PKCS#12 holds no certificate or no private key');
  }
  const rsaKeyPem = forge.pki.privateKeyToPem(keyBag.key);
  const pkcs8Pem = createPrivateKey(rsaKeyPem).export({ type: 'pkcs8', format: 'pem' }).toString();
  return [...certificates, pkcs8Pem].map((pem) => pem.replace(/\r\n/g, '\n').trimEnd() + '\n').join('');
}
