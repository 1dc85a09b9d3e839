// The kubelet's serving certificate. As upstream's kubelet without --tls-cert-file, it makes its
// own self-signed pair on first start (kept in <dataDir>/agent/pki) for its node addresses; the API
// server does not verify kubelet certificates unless told to (--kubelet-certificate-authority),
// while the kubelet verifies the API server's client certificate against the cluster CA.

import { webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function covers(certPem: string, hostname: string, ips: string[]): boolean {
  try {
    const cert = new X509Certificate(certPem);
    if (new Date(cert.validTo).getTime() < Date.now() + 24 * 3600 * 1000) return false;
    const san = cert.subjectAltName ?? '';
    return san.includes(`DNS:${hostname}`) && ips.every((ip) => san.includes(`IP Address:${ip}`));
  } catch {
    return false;
  }
}

/** Loads or makes `kubelet.crt`/`kubelet.key` under dir for the node's hostname and addresses. */
export async function kubeletServingCert(dir: string, hostname: string, ips: string[]): Promise<{ cert: string; key: string }> {
  const certPath = join(dir, 'kubelet.crt');
  const keyPath = join(dir, 'kubelet.key');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    if (covers(cert, hostname, ips)) return { cert, key: readFileSync(keyPath, 'utf8') };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // @peculiar/x509 resolves its crypto provider through tsyringe, which needs this polyfill.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${hostname}@${Math.floor(Date.now() / 1000)}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + ONE_YEAR_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1']),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: hostname }, ...ips.map((value) => ({ type: 'ip' as const, value }))]),
    ],
  });
  const out = { cert: cert.toString('pem') + '\n', key: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
  writeFileSync(keyPath, out.key, { mode: 0o600 });
  writeFileSync(certPath, out.cert, { mode: 0o600 });
  return out;
}
