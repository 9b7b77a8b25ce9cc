import { Writable } from 'node:stream';
import { createLogger } from './logger';

it('DP-01: redacts personal fields and tokens from structured logs', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger('test', 'info', sink);
  log.info(
    { person: { givenName: 'CANARY-GIVEN', dateOfBirth: '1980-01-01' }, authorization: 'Bearer CANARY-TOKEN', body: { x: 'CANARY-BODY' } },
    'referral received',
  );
  const out = lines.join('');
  expect(out).toContain('referral received');
  for (const canary of ['CANARY-GIVEN', '1980-01-01', 'CANARY-TOKEN', 'CANARY-BODY']) expect(out).not.toContain(canary);
});
