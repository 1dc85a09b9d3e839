// What Go's encoding/json says about bad JSON, so decode errors read as upstream's: the syntax
// error text of its scanner, the type mismatch text of Unmarshal, and a nesting limit. V8 parses;
// this only runs to word an error, or as a cheap linear depth scan before parsing.

/** fmt's quoting of one byte in scanner errors: 'x', '\'', '"', '\n', '\x01'. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const ch = String.fromCharCode(c); // Go converts the byte to the rune of the same number
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\x07': '\\a', '\\': '\\\\' };
  if (named[ch]) return `'${named[ch]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  if ((c >= 0x80 && c < 0xa0) || c === 0xad) return `'\\u00${c.toString(16)}'`;
  return `'${ch}'`;
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** Go's limit (encoding/json maxNestingDepth). */
export const GO_MAX_NESTING_DEPTH = 10000;

/**
 * The error encoding/json's scanner reports for `data`, or undefined if it is valid JSON.
 * A port of the scanner's state machine in spirit: same states, same words.
 */
export function goJsonSyntaxError(data: Uint8Array, maxDepth = GO_MAX_NESTING_DEPTH): string | undefined {
  const stack: ('obj-key' | 'obj-value' | 'arr')[] = [];
  let i = 0;
  const n = data.length;
  const err = (c: number, context: string) => `invalid character ${quoteChar(c)} ${context}`;
  const skip = () => {
    while (i < n && isSpace(data[i])) i++;
  };
  const EOF = 'unexpected end of JSON input';

  // Each loop iteration reads one value, then what may follow it.
  for (;;) {
    skip();
    if (i >= n) return EOF;
    let c = data[i];
    // begin value
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxDepth) return err(c, 'exceeded max nesting depth');
      i++;
      skip();
      if (i >= n) return EOF;
      if (c === 0x7b) {
        if (data[i] === 0x7d) {
          i++;
        } else {
          stack.push('obj-key');
          if (data[i] !== 0x22) return err(data[i], 'looking for beginning of object key string');
          continue;
        }
      } else if (data[i] === 0x5d) {
        i++;
      } else {
        stack.push('arr');
        continue;
      }
    } else if (c === 0x22) {
      i++;
      for (;;) {
        if (i >= n) return EOF;
        c = data[i++];
        if (c === 0x22) break;
        if (c === 0x5c) {
          if (i >= n) return EOF;
          c = data[i++];
          if (c === 0x75) {
            for (let k = 0; k < 4; k++) {
              if (i >= n) return EOF;
              if (!isHex(data[i])) return err(data[i], 'in \\u hexadecimal character escape');
              i++;
            }
          } else if (!'bfnrt\\/"'.includes(String.fromCharCode(c))) return err(c, 'in string escape code');
        } else if (c < 0x20) return err(c, 'in string literal');
      }
    } else if (c === 0x2d || isDigit(c)) {
      if (c === 0x2d) {
        i++;
        if (i >= n) return EOF;
        if (!isDigit(data[i])) return err(data[i], 'in numeric literal');
      }
      if (data[i] === 0x30) i++;
      else while (i < n && isDigit(data[i])) i++;
      if (i < n && data[i] === 0x2e) {
        i++;
        if (i >= n) return EOF;
        if (!isDigit(data[i])) return err(data[i], 'after decimal point in numeric literal');
        while (i < n && isDigit(data[i])) i++;
      }
      if (i < n && (data[i] === 0x65 || data[i] === 0x45)) {
        i++;
        if (i < n && (data[i] === 0x2b || data[i] === 0x2d)) i++;
        if (i >= n) return EOF;
        if (!isDigit(data[i])) return err(data[i], 'in exponent of numeric literal');
        while (i < n && isDigit(data[i])) i++;
      }
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
      for (let k = 1; k < word.length; k++) {
        if (i + k >= n) return EOF;
        if (data[i + k] !== word.charCodeAt(k)) return err(data[i + k], `in literal ${word} (expecting '${word[k]}')`);
      }
      i += word.length;
    } else {
      return err(c, 'looking for beginning of value');
    }

    // end of a value: what the enclosing container allows next
    for (;;) {
      skip();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (i < n) return err(data[i], 'after top-level value');
        return undefined;
      }
      if (i >= n) return EOF;
      c = data[i];
      if (top === 'obj-key') {
        if (c !== 0x3a) return err(c, 'after object key');
        stack[stack.length - 1] = 'obj-value';
        i++;
        break;
      }
      if (top === 'obj-value') {
        if (c === 0x2c) {
          i++;
          skip();
          if (i >= n) return EOF;
          stack[stack.length - 1] = 'obj-key';
          if (data[i] !== 0x22) return err(data[i], 'looking for beginning of object key string');
          break;
        }
        if (c !== 0x7d) return err(c, 'after object key:value pair');
        stack.pop();
        i++;
        continue;
      }
      if (c === 0x2c) {
        i++;
        break;
      }
      if (c !== 0x5d) return err(c, 'after array element');
      stack.pop();
      i++;
    }
  }
}

/**
 * Deepest nesting of `[`/`{` outside strings, stopping early once past `limit`. Linear and
 * allocation-free, so it can guard every body before a recursive parser or walker sees it.
 */
export function jsonNestingDepth(data: Uint8Array, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** encoding/json's name for the JSON type of a value in "cannot unmarshal X into ..." errors. */
export function goJsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // number, string
}
