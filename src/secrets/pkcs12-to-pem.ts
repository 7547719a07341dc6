import forge from 'node-forge';

/**
 * Converts a base64 PKCS#12 (PFX) bundle, as Key Vault stores certificate-backed secrets, into one PEM string
 * (certificate first, then private key) in memory. ClientCertificateCredential accepts PEM only.
 */
export function pkcs12ToPem(base64Pfx: string, password = ''): string {
  const der = forge.util.decode64(base64Pfx);
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), password);
  const bags = (oid: string | undefined) => (oid ? (p12.getBags({ bagType: oid })[oid] ?? []) : []);
  const certBags = bags(forge.pki.oids.certBag);
  const keyBags = bags(forge.pki.oids.pkcs8ShroudedKeyBag);
  const plainKeyBags = bags(forge.pki.oids.keyBag);
  const cert = certBags[0]?.cert;
  const key = keyBags[0]?.key ?? plainKeyBags[0]?.key;
  if (!cert || !key) throw new Error('the PKCS#12 bundle has no certificate or no private key');
  return forge.pki.certificateToPem(cert) + forge.pki.privateKeyToPem(key);
}
