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

it('DP-01: redacts contact, location, identifiers, justification, rationale and crime reference at any depth', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger('test', 'info', sink);
  const deep = {
    request: {
      case: {
        victim: {
          contact: { phone: 'CANARY-PHONE' },
          location: { lat: 51.5, note: 'CANARY-LOCATION' },
          identifiers: [{ type: 'PNC', value: 'CANARY-PNC' }],
        },
        decisions: [{ justification: 'CANARY-JUSTIFICATION', rationale: 'CANARY-RATIONALE', crimeReference: 'CANARY-CRIMEREF' }],
      },
    },
    caseId: '00000000-0000-4000-8000-000000000001',
  };
  log.warn(deep, 'deep object');
  const err = Object.assign(new Error('boom'), { detail: { subject: { contact: 'CANARY-ERR-CONTACT' } } });
  log.error({ err, context: { nested: { deeper: { formulation: 'CANARY-FORMULATION' } } } }, 'failed');
  log.error(Object.assign(new Error('bare'), { extra: { crimeReference: 'CANARY-BARE-ERR' } }));
  const out = lines.join('');
  for (const canary of [
    'CANARY-PHONE',
    'CANARY-LOCATION',
    'CANARY-PNC',
    'CANARY-JUSTIFICATION',
    'CANARY-RATIONALE',
    'CANARY-CRIMEREF',
    'CANARY-ERR-CONTACT',
    'CANARY-FORMULATION',
    'CANARY-BARE-ERR',
  ])
    expect(out).not.toContain(canary);
  // Operators still see ids, messages and the shape of what failed.
  expect(out).toContain('00000000-0000-4000-8000-000000000001');
  expect(out).toContain('deep object');
  expect(out).toContain('"message":"boom"');
  expect(out).toContain('"msg":"bare"');
});
