// Service account tokens: ES256 JWTs with upstream's claims, issued through
// serviceaccounts/NAME/token and accepted as bearer tokens while their account still exists.
// node:crypto signs and verifies ES256 directly; a JWT library would add nothing here.

import { createHash, createPrivateKey, createPublicKey, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import type { ServerContext, TokenAuthority } from '../context.js';
import type { UserInfo } from '../types.js';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

const b64 = (v: Buffer | string) => Buffer.from(v).toString('base64url');

interface Ref {
  name: string;
  uid: string;
}

interface Claims {
  iss: string;
  sub: string;
  aud: string[] | string;
  exp: number;
  iat: number;
  nbf: number;
  jti?: string;
  'kubernetes.io'?: { namespace: string; node?: Ref; pod?: Ref; secret?: Ref; serviceaccount?: Ref };
}

/** What checking a bearer token found: the user and the audiences it was valid for, or why not. */
export type TokenVerdict = { user: UserInfo; audiences: string[] } | { error: string };

/** Clock skew tolerated on exp, nbf and iat, as go-jose's default leeway. */
const LEEWAY_SECONDS = 60;

export class ServiceAccountTokens implements TokenAuthority {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(privateKeyPem: string, readonly issuer = DEFAULT_ISSUER) {
    this.privateKey = createPrivateKey(privateKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
    // Upstream's key id: the unpadded base64url SHA-256 of the DER public key.
    this.keyId = b64(createHash('sha256').update(this.publicKey.export({ format: 'der', type: 'spki' })).digest());
  }

  /** The signing key as a JSON Web Key Set (for /openid/v1/jwks). */
  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ use: 'sig', kty: jwk.kty, kid: this.keyId, crv: jwk.crv, alg: 'ES256', x: jwk.x, y: jwk.y }] };
  }

  async issue(sa: { namespace: string; name: string; uid: string }, opts: { audiences: string[]; expirationSeconds: number; boundObject?: { kind: string; name: string; uid: string }; node?: { name: string; uid: string } }, now: Date) {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + opts.expirationSeconds;
    // Keys in sorted order, as upstream's merged claim maps serialize.
    const k8s: NonNullable<Claims['kubernetes.io']> = { namespace: sa.namespace };
    if (opts.node) k8s.node = { name: opts.node.name, uid: opts.node.uid };
    if (opts.boundObject?.kind === 'Pod') k8s.pod = { name: opts.boundObject.name, uid: opts.boundObject.uid };
    if (opts.boundObject?.kind === 'Secret') k8s.secret = { name: opts.boundObject.name, uid: opts.boundObject.uid };
    k8s.serviceaccount = { name: sa.name, uid: sa.uid };
    const claims: Claims = { aud: opts.audiences, exp, iat, iss: this.issuer, jti: randomUUID(), 'kubernetes.io': k8s, nbf: iat, sub: `system:serviceaccount:${sa.namespace}:${sa.name}` };
    const head = b64(JSON.stringify({ alg: 'ES256', kid: this.keyId }));
    const body = b64(JSON.stringify(claims));
    const sig = sign('sha256', Buffer.from(`${head}.${body}`), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${head}.${body}.${b64(sig)}`, expiration: new Date(exp * 1000) };
  }

  async authenticate(token: string, server: ServerContext, audiences: string[] = [this.issuer]): Promise<UserInfo | undefined> {
    const v = await this.verify(token, server, audiences);
    return 'user' in v ? v.user : undefined;
  }

  /**
   * Verifies signature, issuer, lifetime and audience, then that the account (and bound pod or
   * secret) still exist with the UIDs the token names. Error texts are upstream's.
   */
  async verify(token: string, server: ServerContext, audiences: string[] = [this.issuer]): Promise<TokenVerdict> {
    const invalid = { error: 'invalid bearer token' };
    const parts = token.split('.');
    if (parts.length !== 3) return invalid;
    let claims: Claims;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string };
      if (header.alg !== 'ES256') return invalid;
      const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: this.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2], 'base64url'));
      if (!ok) return invalid;
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Claims;
    } catch {
      return invalid;
    }
    const fail = (why: string) => ({ error: `[invalid bearer token, ${why}]` });
    if (claims.iss !== this.issuer) return invalid;
    // Audiences are checked before lifetime, as upstream's JWT authenticator does.
    const tokenAuds = Array.isArray(claims.aud) ? claims.aud : typeof claims.aud === 'string' ? [claims.aud] : [];
    const matched = audiences.filter((a) => tokenAuds.includes(a));
    if (!matched.length) return fail('token audiences ' + JSON.stringify(tokenAuds) + ' is invalid for the target audiences ' + JSON.stringify(audiences));
    const now = Math.floor(server.now().getTime() / 1000);
    if (typeof claims.exp !== 'number' || now - LEEWAY_SECONDS > claims.exp) return fail('service account token has expired');
    if ((claims.nbf ?? 0) > now + LEEWAY_SECONDS || (claims.iat ?? 0) > now + LEEWAY_SECONDS) return fail('service account token could not be validated due to unexpected validation error');
    const k8s = claims['kubernetes.io'];
    if (!k8s?.serviceaccount) return invalid;
    const invalidated = fail('service account token has been invalidated');
    const sa = await server.objectsOf('', 'serviceaccounts').tryGet(k8s.namespace, k8s.serviceaccount.name);
    if (!sa || sa.metadata?.deletionTimestamp) return invalidated;
    if (sa.metadata?.uid !== k8s.serviceaccount.uid) return fail(`service account UID (${sa.metadata?.uid}) does not match claim (${k8s.serviceaccount.uid})`);
    const extra: Record<string, string[]> = {};
    if (claims.jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${claims.jti}`];
    if (k8s.secret) {
      const secret = await server.objectsOf('', 'secrets').tryGet(k8s.namespace, k8s.secret.name);
      if (!secret || secret.metadata?.deletionTimestamp) return invalidated;
      if (secret.metadata?.uid !== k8s.secret.uid) return fail(`secret UID (${secret.metadata?.uid}) does not match service account secret ref claim (${k8s.secret.uid})`);
    }
    if (k8s.pod) {
      const pod = await server.objectsOf('', 'pods').tryGet(k8s.namespace, k8s.pod.name);
      if (!pod || pod.metadata?.deletionTimestamp) return invalidated;
      if (pod.metadata?.uid !== k8s.pod.uid) return fail(`pod UID (${pod.metadata?.uid}) does not match claim (${k8s.pod.uid})`);
      extra['authentication.kubernetes.io/pod-name'] = [k8s.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [k8s.pod.uid];
    } else if (k8s.node) {
      // A token bound to a node (not through a pod) lives as long as that node.
      const node = await server.objectsOf('', 'nodes').tryGet(undefined, k8s.node.name);
      if (!node || node.metadata?.deletionTimestamp) return invalidated;
      if (node.metadata?.uid !== k8s.node.uid) return fail(`node UID (${node.metadata?.uid}) does not match claim (${k8s.node.uid})`);
    }
    if (k8s.node) {
      extra['authentication.kubernetes.io/node-name'] = [k8s.node.name];
      extra['authentication.kubernetes.io/node-uid'] = [k8s.node.uid];
    }
    return {
      user: {
        username: claims.sub,
        uid: k8s.serviceaccount.uid,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${k8s.namespace}`, 'system:authenticated'],
        ...(Object.keys(extra).length ? { extra } : {}),
      },
      audiences: matched,
    };
  }
}
