// The hashes behind ControllerRevision names and controller-revision-hash labels: FNV-32 (and
// FNV-32a), printed in decimal and passed through apimachinery's SafeEncodeString so that names
// never spell words (no vowels, no 0/1/3).

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv32(data: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of data) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h >>> 0;
}

export function fnv32a(data: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of data) {
    h = (h ^ b) >>> 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += ALPHANUMS[ch.codePointAt(0)! % ALPHANUMS.length];
  return out;
}

/** history.HashControllerRevision: FNV-32 over the raw data, then the probe in decimal. */
export function hashControllerRevision(raw: string, probe?: number): string {
  const bytes = Buffer.from(raw, 'utf8');
  let h = fnv32(bytes);
  if (probe !== undefined) h = fnv32(Buffer.from(String(probe), 'utf8'), h);
  return safeEncodeString(String(h));
}

/** history.ControllerRevisionName: prefix-hash, the prefix cut to 223 bytes. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}
