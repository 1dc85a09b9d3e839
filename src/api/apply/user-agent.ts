// The field manager name of a write that names none: the user agent up to its first '/', without
// unprintable characters, cut at 128 bytes (upstream's prefixFromUserAgent).

const FIELD_MANAGER_MAX_LENGTH = 128;

export function managerFromUserAgent(ua: string | undefined): string {
  const head = (ua ?? '').split('/')[0];
  let out = '';
  let bytes = 0;
  for (const ch of head) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += n;
  }
  return out;
}
