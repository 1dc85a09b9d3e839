// Prefix → key range for stores that keep keys in byte (UTF-8) order, so a prefix scan is an index
// range scan instead of a filter.

/** Smallest string greater than every string that starts with `prefix`; undefined if none exists. */
export function prefixEnd(prefix: string): string | undefined {
  const cps = [...prefix];
  while (cps.length > 0) {
    const last = cps.pop() as string;
    let next = (last.codePointAt(0) as number) + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000; // surrogates are not characters
    if (next <= 0x10ffff) return cps.join('') + String.fromCodePoint(next);
    // The last character is already the greatest: the bound is the next shorter prefix's end.
  }
  return undefined;
}
