// $(VAR) expansion in env values, command and args (upstream's third_party expansion):
// $(NAME) becomes the variable's value when it is defined and stays as written when not,
// $$ is a literal $, and anything else after $ is kept as is.

export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') {
      out += '$';
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')');
      if (close < 0) {
        out += '$(';
      } else {
        const name = rest.slice(1, close);
        const v = lookup(name);
        out += v === undefined ? `$(${name})` : v;
        advance = close + 1;
      }
    } else {
      out += `$${rest[0]}`;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** A lookup over maps searched in order (the container's env first, then service variables). */
export function mappingFor(...maps: Map<string, string>[]): (name: string) => string | undefined {
  return (name) => {
    for (const m of maps) if (m.has(name)) return m.get(name);
    return undefined;
  };
}
