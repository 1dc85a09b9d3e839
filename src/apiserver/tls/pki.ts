// The cluster's PKI, made on first start: a CA, the API server's serving certificate, the admin
// client certificate (group system:masters) and the service account signing key. Files are
// written 0600 and reused on later starts, so kubeconfigs stay valid across restarts.

import { webcrypto, createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  /** What the API server shows kubelets when it proxies logs, exec, attach and port-forward. */
  kubeletClientCert: string;
  kubeletClientKey: string;
  serviceAccountKey: string;
}

const FILES: Record<keyof Pki, string> = {
  caCert: 'server-ca.crt',
  caKey: 'server-ca.key',
  serverCert: 'serving-kube-apiserver.crt',
  serverKey: 'serving-kube-apiserver.key',
  adminCert: 'client-admin.crt',
  adminKey: 'client-admin.key',
  kubeletClientCert: 'client-kube-apiserver-kubelet.crt',
  kubeletClientKey: 'client-kube-apiserver-kubelet.key',
  serviceAccountKey: 'service.key',
};

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export interface PkiOptions {
  /** DNS names and IP addresses the serving certificate must cover. */
  dnsNames: string[];
  ipAddresses: string[];
}

/** Loads the PKI from dir, creating what is missing; a serving cert missing a SAN is reissued. */
export async function ensurePki(dir: string, opts: PkiOptions): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = (k: keyof Pki) => join(dir, FILES[k]);
  const have = (Object.keys(FILES) as (keyof Pki)[]).every((k) => existsSync(path(k)));
  if (have) {
    const loaded = Object.fromEntries((Object.keys(FILES) as (keyof Pki)[]).map((k) => [k, readFileSync(path(k), 'utf8')])) as unknown as Pki;
    if (coversSans(loaded.serverCert, opts)) return loaded;
  }
  // @peculiar/x509 resolves its crypto provider through tsyringe, which needs this polyfill.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const subtle = webcrypto.subtle;
  const now = new Date(Date.now() - 60_000);

  const loadOrMakeKey = async (k: keyof Pki) => {
    if (existsSync(path(k))) {
      const pemText = readFileSync(path(k), 'utf8');
      const der = createPrivateKey(pemText).export({ format: 'der', type: 'pkcs8' });
      const privateKey = await subtle.importKey('pkcs8', der, ALG, true, ['sign']);
      const jwk = await subtle.exportKey('jwk', privateKey);
      delete jwk.d;
      const publicKey = await subtle.importKey('jwk', { ...jwk, key_ops: ['verify'] }, ALG, true, ['verify']);
      return { privateKey, publicKey, pem: pemText };
    }
    const pair = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    return { ...pair, pem: pem('PRIVATE KEY', await subtle.exportKey('pkcs8', pair.privateKey)) };
  };

  const ca = await loadOrMakeKey('caKey');
  let caCertPem: string;
  if (existsSync(path('caCert'))) caCertPem = readFileSync(path('caCert'), 'utf8');
  else {
    const caCert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: `CN=k8ts-server-ca@${Math.floor(Date.now() / 1000)}`,
      notBefore: now,
      notAfter: new Date(now.getTime() + TEN_YEARS_MS),
      keys: ca as CryptoKeyPair,
      signingAlgorithm: ALG,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true)],
    });
    caCertPem = caCert.toString('pem') + '\n';
  }
  const caName = new x509.X509Certificate(caCertPem).subject;

  const leaf = async (subject: string, usages: string[], sans?: PkiOptions) => {
    const keys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const extensions: InstanceType<typeof x509.Extension>[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(usages),
    ];
    if (sans) {
      extensions.push(new x509.SubjectAlternativeNameExtension([...sans.dnsNames.map((value) => ({ type: 'dns' as const, value })), ...sans.ipAddresses.map((value) => ({ type: 'ip' as const, value }))]));
    }
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject,
      issuer: caName,
      notBefore: now,
      notAfter: new Date(now.getTime() + ONE_YEAR_MS),
      signingKey: ca.privateKey,
      publicKey: keys.publicKey,
      signingAlgorithm: ALG,
      extensions,
    });
    return { cert: cert.toString('pem') + '\n' + caCertPem, key: pem('PRIVATE KEY', await subtle.exportKey('pkcs8', keys.privateKey)) };
  };

  const reuse = (cert: keyof Pki, key: keyof Pki) => (existsSync(path(cert)) && existsSync(path(key)) ? { cert: readFileSync(path(cert), 'utf8'), key: readFileSync(path(key), 'utf8') } : undefined);
  // Independent keys and certificates: made at once (WebCrypto works off the main thread).
  const [server, admin, kubeletClient, sa] = await Promise.all([
    leaf('CN=kube-apiserver', ['1.3.6.1.5.5.7.3.1'], opts),
    reuse('adminCert', 'adminKey') ?? leaf('CN=system:admin, O=system:masters', ['1.3.6.1.5.5.7.3.2']),
    reuse('kubeletClientCert', 'kubeletClientKey') ?? leaf('CN=kube-apiserver-kubelet-client, O=system:masters', ['1.3.6.1.5.5.7.3.2']),
    loadOrMakeKey('serviceAccountKey'),
  ]);
  const pki: Pki = { caCert: caCertPem, caKey: ca.pem, serverCert: server.cert, serverKey: server.key, adminCert: admin.cert, adminKey: admin.key, kubeletClientCert: kubeletClient.cert, kubeletClientKey: kubeletClient.key, serviceAccountKey: sa.pem };
  for (const k of Object.keys(FILES) as (keyof Pki)[]) writeFileSync(path(k), pki[k], { mode: 0o600 });
  return pki;
}

function randomSerial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');
}

function coversSans(certPem: string, opts: PkiOptions): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const san = cert.subjectAltName ?? '';
    if (new Date(cert.validTo).getTime() < Date.now() + 30 * 24 * 3600 * 1000) return false;
    return opts.dnsNames.every((d) => san.includes(`DNS:${d}`)) && opts.ipAddresses.every((ip) => san.includes(`IP Address:${ip}`));
  } catch {
    return false;
  }
}
