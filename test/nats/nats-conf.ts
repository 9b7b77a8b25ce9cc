/**
 * A reader for the NATS server configuration format, enough for the shipped files: `key: value`,
 * `key = value` or `key value`; `{ ... }` blocks; `[ ... ]` lists separated by commas or new lines;
 * `#` and `//` comments; quoted or bare strings; `$NAME` variables (kept as written: the server reads
 * them from the environment). Unknown syntax is an error, so a file the test cannot read fails it.
 */
export type NatsConfValue = string | NatsConfValue[] | { [key: string]: NatsConfValue };

export function parseNatsConf(text: string): Record<string, NatsConfValue> {
  const src = text.replace(/(^|\s)(#|\/\/).*$/gm, '$1');
  let i = 0;
  const ws = (newlines = true) => {
    while (i < src.length && (newlines ? /\s/ : /[ \t\r]/).test(src[i])) i++;
  };
  const fail = (what: string): never => {
    const line = src.slice(0, i).split('\n').length;
    throw new Error(`nats conf line ${line}: ${what}`);
  };
  const value = (): NatsConfValue => {
    ws(false);
    const c = src[i];
    if (c === '{') {
      i++;
      const block = entries('}');
      i++;
      return block;
    }
    if (c === '[') {
      i++;
      const list: NatsConfValue[] = [];
      for (;;) {
        while (i < src.length && /[\s,]/.test(src[i])) i++;
        if (src[i] === ']') {
          i++;
          return list;
        }
        if (i >= src.length) fail('unterminated list');
        list.push(value());
      }
    }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) fail('unterminated string');
      const s = src.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^[^\s,\]}{[]+/.exec(src.slice(i));
    if (!m) return fail(`no value at "${src.slice(i, i + 20)}"`);
    i += m[0].length;
    return m[0];
  };
  const entries = (close?: string): Record<string, NatsConfValue> => {
    const out: Record<string, NatsConfValue> = {};
    for (;;) {
      while (i < src.length && /[\s,;]/.test(src[i])) i++;
      if (i >= src.length) {
        if (close) fail(`missing "${close}"`);
        return out;
      }
      if (close && src[i] === close) return out;
      const key = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(src.slice(i))?.[0];
      if (!key) return fail(`no key at "${src.slice(i, i + 20)}"`);
      i += key.length;
      ws(false);
      if (src[i] === ':' || src[i] === '=') i++;
      if (key in out) fail(`"${key}" set twice`);
      out[key] = value();
    }
  };
  return entries();
}
