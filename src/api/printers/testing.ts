// Shared fixtures for printer tests: a fixed "now" and timestamps relative to it.

export const NOW = new Date('2024-06-01T12:00:00Z');

/** RFC 3339 timestamp `seconds` before NOW. */
export function ago(seconds: number): string {
  return new Date(NOW.getTime() - seconds * 1000).toISOString().replace('.000Z', 'Z');
}
