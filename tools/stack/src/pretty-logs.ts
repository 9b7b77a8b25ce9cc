import { Writable } from 'node:stream';
import { prettyFactory } from 'pino-pretty';

/** How `pnpm start` shows the services' pino output. */
export type LogFormat = 'pretty' | 'json';

/** `STAC_LOG_FORMAT` when set; otherwise JSON under NODE_ENV=production and readable lines elsewhere. */
export function logFormatFromEnv(env: NodeJS.ProcessEnv = process.env): LogFormat {
  const asked = env.STAC_LOG_FORMAT;
  if (asked === 'pretty' || asked === 'json') return asked;
  if (asked) throw new Error('STAC_LOG_FORMAT must be "pretty" or "json"');
  return env.NODE_ENV === 'production' ? 'json' : 'pretty';
}

// What the launcher writes: `[service] <line the service printed>`, the prefix possibly in colour
// (ANSI escapes, built from the character code because control characters in a regex literal are lint errors).
const ESC = String.fromCharCode(27);
// The launcher pads every prefix to the longest service name (`[intake]          {...}`): the padding belongs
// to the prefix, so every service's JSON is recognised, not only the longest-named one's.
const PREFIXED = new RegExp(`^((?:${ESC}\\[[0-9;]*m)?\\[[^\\]\\s]+\\](?:${ESC}\\[0m)? +)(.*)$`);

/**
 * A stream for the launcher's output that turns each service's pino JSON line into one readable line
 * (time, level, message, then the remaining fields), keeping the `[service]` prefix. Anything that is
 * not a JSON object, such as the stack's own lines, passes through unchanged. The services themselves
 * still log JSON; only this view of it changes.
 */
export function prettyLogStream(out: NodeJS.WritableStream, o: { colors: boolean }): Writable {
  const pretty = prettyFactory({
    colorize: o.colors,
    translateTime: 'SYS:HH:MM:ss.l',
    // The prefix already names the service; pid and hostname say nothing on one machine.
    ignore: 'pid,hostname,service',
    singleLine: true,
  });
  const format = (line: string): string => {
    const m = PREFIXED.exec(line);
    const [prefix, body] = m ? [m[1], m[2]] : ['', line];
    if (!body.startsWith('{')) return `${line}\n`;
    try {
      if (typeof JSON.parse(body) !== 'object') return `${line}\n`;
    } catch {
      return `${line}\n`;
    }
    // Errors print their stack on further lines: each keeps the prefix, so lines can still be told apart.
    return pretty(body)
      .replace(/\r?\n$/, '')
      .split(/\r?\n/)
      .map((l) => `${prefix}${l}\n`)
      .join('');
  };
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      if (lines.length) out.write(lines.map(format).join(''));
      done();
    },
    final(done) {
      if (pending) out.write(format(pending));
      pending = '';
      done();
    },
  });
}
