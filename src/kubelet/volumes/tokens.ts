// When a projected service account token is re-requested: upstream's token manager refreshes it
// once 80% of its lifetime has passed, or after 24 hours, whichever comes first.

const MAX_TTL_MS = 24 * 60 * 60 * 1000;

/** True when a token issued for expirationSeconds, expiring at exp, is due for refresh at now. */
export function tokenRequiresRefresh(exp: Date, expirationSeconds: number, now: Date, jitterMs = 0): boolean {
  const iat = exp.getTime() - expirationSeconds * 1000;
  if (now.getTime() > iat + MAX_TTL_MS - jitterMs) return true;
  return now.getTime() > exp.getTime() - Math.floor((expirationSeconds * 20) / 100) * 1000 - jitterMs;
}
