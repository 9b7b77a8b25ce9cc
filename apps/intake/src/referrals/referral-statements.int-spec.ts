import { randomUUID } from 'node:crypto';
import type { Logger } from 'typeorm';
import { AccessLog, CaseAccessGrants, type Principal } from '@stac/auth';
import type { ReferralSubmission } from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { testRequestContext } from '@stac/runtime/testing';
import { syntheticReferralBody } from '@stac/testing';
import { WorkflowHarness } from '../testing/workflow-test-harness';
import { PersonRecords } from '../people/person-records';
import { ReferralsService } from './referrals.service';

jest.setTimeout(60_000);

/**
 * Round trips to Postgres per referral (each a syscall pair, and a pooled connection held "idle in
 * transaction" while Node prepares the next). Measured: 22 statements per referral when every row was
 * its own ORM save; 6 once the rows made up in Node go as one statement and a new crime reference is not looked up first (8 when the people have possible
 * duplicates to propose). The bounds fail the build if the count creeps back up.
 */
const MAX_STATEMENTS_NEW_PEOPLE = 6;
const MAX_STATEMENTS_WITH_DUPLICATES = 8;

const h = new WorkflowHarness();
let referrals: ReferralsService;
let statements: string[] | null = null;
let seq = 0;
const officer: Principal = { issuer: 'urn:test', subject: 'officer-1', agency: 'police', roles: ['case-officer'] };

/** The bench's referral body: consent to advocacy, two incidents, both people named. */
function referral(people: { victim: string; suspect: string }): ReferralSubmission {
  seq += 1;
  return syntheticReferralBody(`CR-STMT-${process.pid}-${seq}`, {
    victim: { givenName: 'Olivia', familyName: people.victim, dateOfBirth: '1990-04-01' },
    personOfConcern: { givenName: 'Noah', familyName: people.suspect, dateOfBirth: '1988-02-03' },
  }) as unknown as ReferralSubmission;
}

async function counted<T>(run: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  statements = [];
  try {
    const result = await run();
    return { result, statements };
  } finally {
    statements = null;
  }
}

beforeAll(async () => {
  await h.start('referral_statements');
  const accessLog = new AccessLog();
  referrals = new ReferralsService(h.ds, new Outbox('intake'), new CaseAccessGrants(h.relationships, accessLog), accessLog, new PersonRecords(h.cipher), h.clock, h.restrictedRecords, h.counterAllegations);
  // Every statement the data source sends passes its logger, the ORM's and raw SQL alike.
  const logger = h.ds.logger;
  const logQuery = logger.logQuery.bind(logger);
  (logger as Logger).logQuery = (query, parameters, runner) => {
    statements?.push(query);
    return logQuery(query, parameters, runner);
  };
  h.clock.set(new Date('2026-12-02T09:00:00Z'));
});
afterAll(() => h.stop());

const ctx = () => testRequestContext(officer, { idempotencyKey: randomUUID() }, h.idempotency);

describe('statements per referral (REL-01: one transaction, every row of it written)', () => {
  it(`REL-01, LAW-01: a referral of two new people takes at most ${MAX_STATEMENTS_NEW_PEOPLE} statements and writes every row as before`, async () => {
    const unique = `Stmt${process.pid}x${Date.now()}`;
    const { result, statements } = await counted(() => referrals.refer(referral({ victim: `${unique}a`, suspect: `${unique}b` }), ctx()));
    expect(statements.length).toBeLessThanOrEqual(MAX_STATEMENTS_NEW_PEOPLE);
    expect(statements[0]).toBe('START TRANSACTION');
    expect(statements.at(-1)).toBe('COMMIT');

    const caseId = result.caseId;
    const [row] = await h.ds.query(
      `SELECT c.status, c.version, c.cj_stage, c.flags, c.advocacy_referral,
              (SELECT count(*)::int FROM case_participant WHERE case_id = c.id AND valid_to IS NULL) AS participants,
              (SELECT count(*)::int FROM incident WHERE case_id = c.id) AS incidents,
              (SELECT count(*)::int FROM case_relationship WHERE case_id = c.id) AS relationships,
              (SELECT count(*)::int FROM person_match_key k JOIN case_participant p ON p.person_id = k.person_id WHERE p.case_id = c.id) AS match_keys,
              (SELECT count(*)::int FROM person p JOIN case_participant cp ON cp.person_id = p.id
                WHERE cp.case_id = c.id AND p.identity_enc IS NOT NULL AND p.version = 1) AS sealed_people
         FROM stalking_case c WHERE c.id = $1`,
      [caseId],
    );
    expect(row).toMatchObject({
      status: 'REFERRED',
      version: 1,
      cj_stage: 'PRE_ARREST',
      flags: ['DOMESTIC', 'CYBER'],
      advocacy_referral: 'CONSENT_GIVEN',
      participants: 2,
      incidents: 2,
      relationships: 5,
      sealed_people: 2,
    });
    expect(row.match_keys).toBeGreaterThan(0);
    const behaviours = await h.ds.query('SELECT behaviours FROM incident WHERE case_id = $1 ORDER BY occurred_at', [caseId]);
    expect(behaviours).toEqual([{ behaviours: ['FOLLOWING', 'LOITERING'] }, { behaviours: ['CONTACTING', 'THREATS'] }]);
    expect(await h.outboxSubjects(caseId)).toEqual(['intake.case.referred.v1']);
    const log = await h.ds.query(`SELECT operation, action, recipients FROM access_log WHERE $1 = ANY(record_ids) ORDER BY seq`, [caseId]);
    expect(log).toEqual([
      { operation: 'alteration', action: 'case.relationship.grant', recipients: ['police', 'mental-health', 'probation', 'advocacy'] },
      { operation: 'collection', action: 'referral.create', recipients: ['police'] },
      { operation: 'disclosure', action: 'referral.create', recipients: ['advocacy'] },
    ]);
  });

  it(`REL-01: people with possible duplicates on the register take at most ${MAX_STATEMENTS_WITH_DUPLICATES} statements, the proposals recorded`, async () => {
    const people = { victim: `Duplicatevictim${process.pid}`, suspect: `Repeatsuspect${process.pid}` };
    await referrals.refer(referral(people), ctx());
    const { result, statements } = await counted(() => referrals.refer(referral(people), ctx()));
    expect(statements.length).toBeLessThanOrEqual(MAX_STATEMENTS_WITH_DUPLICATES);
    const proposals = await h.ds.query(
      `SELECT p.role, d.grade FROM duplicate_candidate d JOIN case_participant p ON p.person_id = d.person_id WHERE p.case_id = $1 AND d.status = 'OPEN'`,
      [result.caseId],
    );
    // Each is proposed as the same person as on the first referral (and, by given name and date of birth alone, the earlier tests' people).
    expect(proposals.filter((r: { grade: string }) => r.grade === 'LIKELY').map((r: { role: string }) => r.role).sort()).toEqual(['PERSON_OF_CONCERN', 'VICTIM']);
  });

  it('REL-04: the same crime reference again (no lookup before the write) answers the existing case; nothing of the attempt remains', async () => {
    const body = referral({ victim: `Repeat${process.pid}a`, suspect: `Repeat${process.pid}b` });
    const first = await referrals.refer(body, ctx());
    const count = async () => (await h.ds.query('SELECT (SELECT count(*)::int FROM person) AS people, (SELECT count(*)::int FROM outbox) AS events'))[0];
    const before = await count();
    const again = await referrals.refer({ ...body, victim: { ...body.victim!, givenName: 'Other' } }, ctx());
    expect(again).toEqual({ ...first, created: false });
    expect(await count()).toEqual(before);
    const log = await h.ds.query(`SELECT operation FROM access_log WHERE action = 'referral.existing-case' AND $1 = ANY(record_ids)`, [first.caseId]);
    expect(log).toEqual([{ operation: 'disclosure' }]);
  });

  it('REL-04: a replay of the same Idempotency-Key writes nothing and answers the first answer', async () => {
    const c = ctx();
    const body = referral({ victim: `Replay${process.pid}a`, suspect: `Replay${process.pid}b` });
    const first = await referrals.refer(body, c);
    const { result, statements } = await counted(() => referrals.refer(body, c));
    expect(result).toEqual(first);
    expect(statements.filter((s) => /^\s*(INSERT|UPDATE|WITH)/.test(s) && !/idempotency_record/.test(s))).toEqual([]);
  });
});
