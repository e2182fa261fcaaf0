/**
 * A self-signed certificate for the demo: made in memory, handed to ACM once, never written anywhere.
 * Browsers will warn; it exists so a stack without a domain still serves HTTPS.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface SelfSigned {
  certificatePem: string;
  privateKeyPem: string;
}

export function selfSignedCertificate(domainName: string, validityDays: number, now = new Date()): SelfSigned {
  // node:crypto makes the key (fast, native); forge builds and signs the X.509 certificate.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(privateKeyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  // A positive serial: the top bit cleared.
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + validityDays * 86_400_000);
  // UTF8String: forge's default PrintableString cannot hold the `*` of a wildcard name.
  // (@types/node-forge types this field as a tag class; forge itself takes the value's tag type.)
  const utf8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
  const subject = [
    { name: 'commonName', value: domainName, valueTagClass: utf8 },
    { name: 'organizationName', value: 'morpheus-ws self-signed (NOT FOR PRODUCTION)', valueTagClass: utf8 },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: domainName }] },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem };
}
