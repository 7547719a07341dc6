// TLS material of one sim run: a fresh CA (its PEM written to <dataDir>/ca.pem for clients) and the server
// certificate for 127.0.0.1 / localhost that it signs.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createCertificateAuthority, issueServerCertificate } from './ca';

export interface SimTlsMaterial {
  caPem: string;
  caFile: string;
  serverCertificatePem: string;
  serverPrivateKeyPem: string;
}

export async function prepareTls(dataDir: string): Promise<SimTlsMaterial> {
  const ca = await createCertificateAuthority('crw sim CA');
  const server = await issueServerCertificate(ca, { dns: ['localhost'], ips: ['127.0.0.1'] });
  const caFile = path.join(dataDir, 'ca.pem');
  await writeFile(caFile, ca.certificatePem, { mode: 0o644 });
  return {
    caPem: ca.certificatePem,
    caFile,
    serverCertificatePem: server.certificatePem,
    serverPrivateKeyPem: server.privateKeyPem,
  };
}
