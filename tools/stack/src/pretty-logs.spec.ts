import { PassThrough } from 'node:stream';
import { logFormatFromEnv, prettyLogStream } from './pretty-logs';

async function render(chunks: string[], colors = false): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const stream = prettyLogStream(out, { colors });
  for (const c of chunks) stream.write(c);
  await new Promise<void>((resolve) => stream.end(resolve));
  return text;
}

const line = (o: object) => JSON.stringify({ level: 'info', time: '2026-12-01T09:15:02.345Z', service: 'intake', ...o });

describe('pnpm start log format', () => {
  it('is readable in development and JSON in production, unless STAC_LOG_FORMAT says otherwise', () => {
    expect(logFormatFromEnv({})).toBe('pretty');
    expect(logFormatFromEnv({ NODE_ENV: 'development' })).toBe('pretty');
    expect(logFormatFromEnv({ NODE_ENV: 'production' })).toBe('json');
    expect(logFormatFromEnv({ NODE_ENV: 'production', STAC_LOG_FORMAT: 'pretty' })).toBe('pretty');
    expect(logFormatFromEnv({ STAC_LOG_FORMAT: 'json' })).toBe('json');
    expect(() => logFormatFromEnv({ STAC_LOG_FORMAT: 'yaml' })).toThrow(/STAC_LOG_FORMAT/);
  });

  it('turns a service’s pino line into one readable line under its prefix', async () => {
    const text = await render([`[intake] ${line({ msg: 'request completed', status: 201, correlationId: 'c-1' })}\n`]);
    expect(text).toMatch(/^\[intake\] \[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: request completed \{"status":201,"correlationId":"c-1"\}\n$/);
    expect(text).not.toContain('"service"');
  });

  it('joins lines split across chunks and leaves everything that is not pino JSON alone', async () => {
    const json = `[risk-assessment] ${line({ level: 'warn', msg: 'consumer paused' })}\n`;
    const text = await render([
      '[stack] migrating\n',
      json.slice(0, 25),
      json.slice(25),
      '[intake] {not json\n',
      '[probation] "a string"\n',
      '[stack] tail without newline',
    ]);
    expect(text.split('\n')).toEqual([
      '[stack] migrating',
      expect.stringMatching(/^\[risk-assessment\] \[[\d:.]+\] WARN: consumer paused$/),
      '[intake] {not json',
      '[probation] "a string"',
      '[stack] tail without newline',
      '',
    ]);
  });

  it('recognises a prefix padded to the longest service name, padding kept', async () => {
    const text = await render([`[intake]          ${line({ msg: 'request completed' })}\n`]);
    expect(text).toMatch(/^\[intake\] {10}\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request completed\n$/);
  });

  it('keeps the prefix on every line of an error’s stack, and on coloured prefixes', async () => {
    const err = { type: 'Error', message: 'boom', stack: 'Error: boom\n    at handler (x.ts:1:1)' };
    const coloured = `\x1b[36m[advocacy]\x1b[0m ${line({ level: 'error', msg: 'handler failed', err })}\n`;
    const lines = (await render([coloured])).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(l.startsWith('\x1b[36m[advocacy]\x1b[0m ')).toBe(true);
    expect(lines[0]).toMatch(/ERROR: handler failed/);
    expect(lines.some((l) => l.includes('at handler (x.ts:1:1)'))).toBe(true);
  });
});
