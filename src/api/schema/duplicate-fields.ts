// Finds repeated keys in raw JSON text, which JSON.parse silently collapses (last wins) but
// upstream's strict decoder reports as `duplicate field "spec.replicas"` under
// fieldValidation=Strict (and as warnings under Warn). Paths use the strict-error form of
// field-check.ts: dotted keys, `[i]` for list items.

const MAX_DUPLICATES = 100;

/**
 * The paths of keys that occur more than once in the same JSON object, in document order, each
 * reported once. Invalid JSON yields what was found before the error (parsing errors are
 * reported by the body decoder, not here).
 */
export function duplicateFields(text: string): string[] {
  const out: string[] = [];
  const reported = new Set<string>();
  let i = 0;
  const n = text.length;

  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const str = (): string => {
    // Called on the opening quote; JSON.parse gives the exact decoded key (escapes included).
    const start = i++;
    while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

  const value = (path: string, depth: number): void => {
    if (depth > 10000) throw new Error('too deep');
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const keys = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Error('expected key');
        const key = str();
        const p = join(path, key);
        if (keys.has(key)) {
          if (!reported.has(p) && out.length < MAX_DUPLICATES) out.push(p);
          reported.add(p);
        }
        keys.add(key);
        ws();
        if (text[i++] !== ':') throw new Error('expected colon');
        value(p, depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        throw new Error('expected , or }');
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let idx = 0; ; idx++) {
        value(`${path}[${idx}]`, depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        throw new Error('expected , or ]');
      }
    }
    if (ch === '"') {
      str();
      return;
    }
    // Numbers, true, false, null: skip to the next structural character.
    while (i < n && !',}] \n\r\t'.includes(text[i])) i++;
  };

  try {
    value('', 0);
  } catch {
    // Malformed input: keep what was found; the decoder reports the syntax error.
  }
  return out;
}
