// pod-template-hash: FNV-32a over the pod template (plus the collision count), rendered as
// upstream does (the decimal digits of the hash mapped onto the "safe" alphanumeric alphabet).

/** Upstream's alphabet for generated names: no vowels, no ambiguous characters. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Maps each character onto the safe alphabet, as rand.SafeEncodeString does. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** Stable JSON (sorted keys) so equal templates hash alike whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * The pod-template-hash of a template. Upstream hashes Go's printed form of the struct, which
 * cannot be reproduced here; the canonical JSON keeps the same properties (deterministic, changes
 * with the template and with collisionCount, which is appended as 8 little-endian bytes).
 */
export function computeHash(template: unknown, collisionCount?: number): string {
  const enc = new TextEncoder();
  let h = fnv32a(enc.encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}
