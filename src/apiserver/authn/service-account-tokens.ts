// Service account tokens: ES256 JWTs with upstream's claims, issued through
// serviceaccounts/NAME/token and accepted as bearer tokens while their account still exists.
// node:crypto signs and verifies ES256 directly; a JWT library would add nothing here.

import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { ServerContext, TokenAuthority } from '../context.js';
import type { UserInfo } from '../types.js';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

const b64 = (v: Buffer | string) => Buffer.from(v).toString('base64url');

interface Claims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti?: string;
  'kubernetes.io'?: { namespace: string; serviceaccount: { name: string; uid: string }; pod?: { name: string; uid: string }; secret?: { name: string; uid: string } };
}

export class ServiceAccountTokens implements TokenAuthority {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(privateKeyPem: string, readonly issuer = DEFAULT_ISSUER) {
    this.privateKey = createPrivateKey(privateKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
  }

  async issue(sa: { namespace: string; name: string; uid: string }, opts: { audiences: string[]; expirationSeconds: number; boundObject?: { kind: string; name: string; uid: string } }, now: Date) {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + opts.expirationSeconds;
    const k8s: NonNullable<Claims['kubernetes.io']> = { namespace: sa.namespace, serviceaccount: { name: sa.name, uid: sa.uid } };
    if (opts.boundObject?.kind === 'Pod') k8s.pod = { name: opts.boundObject.name, uid: opts.boundObject.uid };
    if (opts.boundObject?.kind === 'Secret') k8s.secret = { name: opts.boundObject.name, uid: opts.boundObject.uid };
    const claims: Claims = { aud: opts.audiences, exp, iat, iss: this.issuer, 'kubernetes.io': k8s, nbf: iat, sub: `system:serviceaccount:${sa.namespace}:${sa.name}` };
    const kid = b64(this.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32));
    const head = b64(JSON.stringify({ alg: 'ES256', kid }));
    const body = b64(JSON.stringify(claims));
    const sig = sign('sha256', Buffer.from(`${head}.${body}`), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${head}.${body}.${b64(sig)}`, expiration: new Date(exp * 1000) };
  }

  /** Verifies signature, issuer, lifetime and audience, then that the account (and bound pod) still exist. */
  async authenticate(token: string, server: ServerContext, audiences: string[] = [this.issuer]): Promise<UserInfo | undefined> {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    let claims: Claims;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string };
      if (header.alg !== 'ES256') return undefined;
      const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: this.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2], 'base64url'));
      if (!ok) return undefined;
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Claims;
    } catch {
      return undefined;
    }
    const now = Math.floor(server.now().getTime() / 1000);
    if (claims.iss !== this.issuer || claims.exp < now || claims.nbf > now + 60) return undefined;
    if (!claims.aud?.some((a) => audiences.includes(a))) return undefined;
    const k8s = claims['kubernetes.io'];
    if (!k8s) return undefined;
    const sa = await server.objectsOf('', 'serviceaccounts').tryGet(k8s.namespace, k8s.serviceaccount.name);
    if (!sa || sa.metadata?.uid !== k8s.serviceaccount.uid || sa.metadata?.deletionTimestamp) return undefined;
    const extra: Record<string, string[]> = {};
    if (k8s.pod) {
      const pod = await server.objectsOf('', 'pods').tryGet(k8s.namespace, k8s.pod.name);
      if (!pod || pod.metadata?.uid !== k8s.pod.uid) return undefined;
      extra['authentication.kubernetes.io/pod-name'] = [k8s.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [k8s.pod.uid];
    }
    if (claims.jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${claims.jti}`];
    return {
      username: claims.sub,
      uid: k8s.serviceaccount.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${k8s.namespace}`, 'system:authenticated'],
      ...(Object.keys(extra).length ? { extra } : {}),
    };
  }
}
