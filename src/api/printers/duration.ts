// Ages as kubectl shows them: k8s.io/apimachinery/pkg/util/duration.HumanDuration and the
// printers' translateTimestampSince, which the server computes into Table cells.

/** HumanDuration: about 2-3 significant figures ("119s", "5m3s", "150m", "7h2m", "3d4h", "2y5d"). */
export function humanDuration(ms: number): string {
  // Up to one second in the future counts as "now" to tolerate clock skew between machines.
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    const d = Math.trunc(hours / 24);
    return h === 0 ? `${d}d` : `${d}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/**
 * Milliseconds since the epoch, or undefined for an absent, unparseable or zero time (Go's
 * zero time, 0001-01-01T00:00:00Z, is what an unset metav1.Time serializes as).
 */
export function parseTime(ts: unknown): number | undefined {
  if (typeof ts !== 'string' || ts === '') return undefined;
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) return undefined;
  if (ms === Date.UTC(1, 0, 1) || ts.startsWith('0001-01-01T00:00:00')) return undefined;
  return ms;
}

/** `<unknown>` for an unset time, else the human duration since it. */
export function translateTimestampSince(ts: string | undefined | null, now: Date): string {
  const t = parseTime(ts);
  if (t === undefined) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/** metav1.Time's RFC 3339 text in UTC without fractional seconds, as the default table prints. */
export function formatRFC3339(ts: unknown): string {
  const t = typeof ts === 'string' && ts !== '' ? Date.parse(ts) : NaN;
  if (Number.isNaN(t)) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
