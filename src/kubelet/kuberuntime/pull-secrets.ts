// imagePullSecrets to registry credentials (credentialprovider's keyring, simplified): a
// kubernetes.io/dockerconfigjson (or dockercfg) secret's entries whose registry matches the
// image's, most specific first.

import type { AuthConfig } from '../cri/types.js';

interface DockerEntry { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }

function registryOf(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  return slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

function keyHost(key: string): string {
  const k = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return k === 'index.docker.io' || k === 'registry-1.docker.io' ? 'docker.io' : k;
}

/** Credentials for an image from decoded secret data (keys ".dockerconfigjson" or ".dockercfg"). */
export function authsForImage(image: string, secrets: Record<string, string>[]): AuthConfig[] {
  const registry = registryOf(image);
  const out: AuthConfig[] = [];
  for (const data of secrets) {
    let entries: Record<string, DockerEntry> = {};
    try {
      if (data['.dockerconfigjson']) entries = (JSON.parse(data['.dockerconfigjson']) as { auths?: Record<string, DockerEntry> }).auths ?? {};
      else if (data['.dockercfg']) entries = JSON.parse(data['.dockercfg']) as Record<string, DockerEntry>;
    } catch {
      continue;
    }
    for (const [key, e] of Object.entries(entries)) {
      if (keyHost(key) !== registry) continue;
      const a: AuthConfig = {};
      if (e.username) a.username = e.username;
      if (e.password) a.password = e.password;
      if (e.auth) {
        a.auth = e.auth;
        if (!a.username) {
          const dec = Buffer.from(e.auth, 'base64').toString();
          const i = dec.indexOf(':');
          if (i > 0) {
            a.username = dec.slice(0, i);
            a.password = dec.slice(i + 1);
          }
        }
      }
      if (e.identitytoken) a.identityToken = e.identitytoken;
      if (e.registrytoken) a.registryToken = e.registrytoken;
      out.push(a);
    }
  }
  return out;
}
