import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { AccessControl, AccessLog, AuthenticationError, CaseAccessGrants, CASE_NOT_FOUND, CaseAccessState, FieldGroupGrants, type CaseAccessFacts, type Principal, type Purpose, type TokenVerifier } from '@stac/auth';
import {
  CompleteBreakGlassReview,
  EndCaseRelationship,
  ExcludeFromCase,
  GrantCaseRelationship,
  ListBreakGlassReviews,
  OpenBreakGlass,
  ReadTimeline,
  type BreakGlassOpenedV1,
  type Operation,
  type ReferralSubmission,
} from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { ServiceMetrics } from '@stac/observability';
import { OperationKernel, type RequestContext } from '@stac/runtime';
import { testRequestContext } from '@stac/runtime/testing';
import { problemOf } from '@stac/testing';
import { BreakGlassReviewsService } from '../break-glass-reviews/break-glass-reviews.service';
import { PersonRecords } from '../people/person-records';
import { ReferralsService } from '../referrals/referrals.service';
import { WorkflowHarness } from '../testing/workflow-test-harness';
import { CaseAccessService } from './case-access.service';

jest.setTimeout(60_000);

/**
 * Case access through the service kernel against a real Postgres: the real AccessControl decides over the
 * relationship data (only the token is stood in for), so a refusal here is the one a caller gets.
 */
const h = new WorkflowHarness();
const accessLog = new AccessLog();
const principals = new Map<string, Principal>();
const verifier = {
  async verify(token?: string) {
    const p = token ? principals.get(token) : undefined;
    if (!p) throw new AuthenticationError('unknown test token');
    return p;
  },
} as unknown as TokenVerifier;
let kernel: OperationKernel;
let referrals: ReferralsService;
let caseAccess: CaseAccessService;
let reviews: BreakGlassReviewsService;
const metrics = new ServiceMetrics('intake');
const logLines: string[] = [];

let tokens = 0;
const who = (subject: string, roles: Principal['roles'], agency: Principal['agency'] = 'police', issuer = `https://idp.test/${agency}`): Principal & { token: string } => {
  const token = `t${++tokens}`;
  const p = { issuer, subject, agency, roles };
  principals.set(token, p);
  return { ...p, token };
};
const screener = who('screener-1', ['stac-screener']);
const otherScreener = who('screener-2', ['stac-screener']);
const lead = who('lead-1', ['stac-lead']);
const prosecutor = who('prosecutor-1', ['prosecutor'], 'cps');
/** The same subject issued by another identity provider of the same agency: another person. */
const impostor = who('prosecutor-1', ['prosecutor'], 'cps', 'https://other-idp.test/cps');
const mhLead = who('mh-lead-1', ['mh-lead'], 'mental-health');
const dpo = who('dpo-1', ['dpo']);
const mhDpo = who('dpo-2', ['dpo'], 'mental-health');

function admit<Req extends object, Rep>(p: { token: string }, op: Operation<Req, Rep>, body: object, purpose: Purpose = 'safeguarding') {
  return kernel.admit(op, { correlationId: randomUUID(), token: p.token, purpose, idempotencyKey: randomUUID(), body });
}
async function call<Req extends object, Rep>(p: { token: string }, op: Operation<Req, Rep>, body: object, run: (r: Req, ctx: RequestContext) => Promise<Rep>, purpose?: Purpose): Promise<Rep> {
  const { request, ctx } = await admit(p, op, body, purpose);
  return run(request, ctx);
}
/** 200 when the caller opens the case (its timeline), or the problem they get. */
async function opens(p: { token: string }, caseId: string): Promise<unknown> {
  try {
    await admit(p, ReadTimeline, { caseId });
    return 200;
  } catch (e) {
    return (e as { problem?: unknown }).problem ?? e;
  }
}

let seq = 0;
const referral = (): ReferralSubmission =>
  ({
    crimeReference: `CR-ACCESS-${process.pid}-${++seq}`,
    source: 'CRIME_REPORT',
    offenceClass: 'S4A_FEAR',
    flags: ['DOMESTIC'],
    bcu: 'CE',
    victim: { givenName: 'Synthetic', familyName: `Victim${seq}` },
    personOfConcern: { identityKnown: true, givenName: 'Synthetic', familyName: `Person${seq}` },
    advocacyReferral: 'CONSENT_DECLINED',
    incidents: [{ occurredAt: '2026-11-30T08:00:00Z', behaviours: ['FOLLOWING'] }],
  }) as ReferralSubmission;
const referCtx = (p: Principal) => testRequestContext(p, { clock: h.clock, idempotencyKey: randomUUID() }, h.idempotency);
async function refer(body = referral()): Promise<string> {
  return (await referrals.refer(body, referCtx(screener))).caseId;
}

async function accessEvents(caseId: string) {
  const rows: { envelope: { aggregateVersion: number; additionalInformation: { relationships: { kind: string; issuer: string; subject: string }[]; exclusions: { subject: string }[] } } }[] =
    await h.ds.query(`SELECT envelope FROM outbox WHERE envelope->>'caseId' = $1 AND subject = 'intake.case.access-changed.v1' ORDER BY seq`, [caseId]);
  return rows.map((r) => ({
    version: r.envelope.aggregateVersion,
    relationships: r.envelope.additionalInformation.relationships.map((x) => `${x.kind}:${x.issuer}#${x.subject}`).sort(),
    exclusions: r.envelope.additionalInformation.exclusions.map((x) => x.subject),
  }));
}

beforeAll(async () => {
  await h.start('case_access');
  const access = new AccessControl(verifier, h.ds, accessLog, h.relationships);
  kernel = new OperationKernel(access, accessLog, h.ds, h.clock, h.idempotency);
  const outbox = new Outbox('intake');
  referrals = new ReferralsService(h.ds, outbox, new CaseAccessGrants(h.relationships, accessLog), accessLog, new PersonRecords(h.cipher), h.clock, h.restrictedRecords, h.counterAllegations);
  caseAccess = new CaseAccessService(h.ds, h.relationships, accessLog, outbox, h.clock);
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  reviews = new BreakGlassReviewsService(h.ds, h.clock, metrics, pino({ level: 'info' }, sink));
});
afterAll(() => h.stop());

describe('relationships are changed only on the case and of the kind the URL names', () => {
  it('AC-02: the owner of case A cannot end a relationship of case B through A: 404 like a case that does not exist, and it stays in force', async () => {
    const a = await refer();
    const b = await refer();
    // Case B is not the lead's: the police team's relationship to it has ended (another team owns it).
    await h.ds.query(`UPDATE case_relationship SET valid_to = now() WHERE case_id = $1 AND kind = 'OWNING_TEAM' AND agency = 'police'`, [b]);
    await h.relationships.grant(h.ds, { caseId: b, kind: 'OWNING_TEAM', agency: 'mental-health', createdBy: 'test' });
    const seat = await call(mhLead, GrantCaseRelationship, { caseId: b, kind: 'CONSULTATION_PANEL', agency: 'cps', issuer: prosecutor.issuer, subject: prosecutor.subject }, (r, c) =>
      caseAccess.grant(r, c, c),
    );
    expect(await opens(prosecutor, b)).toBe(200);
    const end = (caseId: string, relationshipId: string) =>
      problemOf(call(lead, EndCaseRelationship, { caseId, relationshipId }, (r, c) => caseAccess.end(r.caseId, r.relationshipId, c, c).then(() => ({ ended: true as const }))));
    const across = await end(a, seat.relationshipId);
    const missing = await end(a, randomUUID());
    expect(across).toEqual(CASE_NOT_FOUND);
    expect(JSON.stringify(across)).toBe(JSON.stringify(missing));
    // Nothing changed: the seat on B is in force and its holder still opens B.
    expect(await opens(prosecutor, b)).toBe(200);
    // Straight at B, the lead is refused the way a missing case is.
    expect(await end(b, seat.relationshipId)).toEqual(CASE_NOT_FOUND);
    // The kind is scoped too: the workflow's own owning-team relationship of A is not this API's to end.
    const [owning]: { id: string }[] = await h.ds.query(`SELECT id FROM case_relationship WHERE case_id = $1 AND kind = 'OWNING_TEAM' AND agency = 'police'`, [a]);
    expect(await end(a, owning.id)).toEqual(CASE_NOT_FOUND);
    expect(await opens(otherScreener, a)).toBe(200);
    // The owner of B ends it: refused on the holder's next request.
    await call(mhLead, EndCaseRelationship, { caseId: b, relationshipId: seat.relationshipId }, (r, c) => caseAccess.end(r.caseId, r.relationshipId, c, c).then(() => ({ ended: true as const })));
    expect(await opens(prosecutor, b)).toEqual(CASE_NOT_FOUND);
  });
});

describe('named relationships and grants are keyed by issuer and subject', () => {
  it('AC-16: a panel seat given to a prosecutor opens the case to them only: the same subject from another issuer gets the 404 of a missing case', async () => {
    const caseId = await refer();
    await call(lead, GrantCaseRelationship, { caseId, kind: 'CONSULTATION_PANEL', agency: 'cps', issuer: prosecutor.issuer, subject: prosecutor.subject }, (r, c) => caseAccess.grant(r, c, c));
    expect(await opens(prosecutor, caseId)).toBe(200);
    const other = await opens(impostor, caseId);
    expect(other).toEqual(CASE_NOT_FOUND);
    expect(JSON.stringify(other)).toBe(JSON.stringify(await opens(impostor, randomUUID())));
    // A field group granted to the prosecutor by name is theirs alone, too.
    await new FieldGroupGrants().grant(h.ds, { caseId, fieldGroup: 'victim.location', agency: 'cps', issuer: prosecutor.issuer, subject: prosecutor.subject, reason: 'Court liaison', validTo: new Date(Date.now() + 86_400_000), createdBy: 'test' });
    expect((await h.relationships.forPrincipal(h.ds, caseId, prosecutor)).fieldGroupGrants).toEqual(['victim.location']);
    expect((await h.relationships.forPrincipal(h.ds, caseId, impostor)).fieldGroupGrants ?? []).toEqual([]);
    // A grant without the issuer is refused at the edge of the service (400 naming the field), nothing stored.
    const bad = await problemOf(admit(lead, GrantCaseRelationship, { caseId, kind: 'ASSIGNMENT', agency: 'police', subject: 'officer-9' }));
    expect(bad).toMatchObject({ status: 400 });
    expect(JSON.stringify(bad)).toContain('issuer');
  });
});

describe('every change to who may see a case is announced to every service', () => {
  it('AC-14: grant, exclusion, ending and break-glass each announce the whole state, versioned, in the same transaction', async () => {
    // Break-glass ends on the service clock and the state is read on the database's: in service they agree,
    // so here too (the harness's fixed morning would otherwise be over before the break-glass is announced).
    h.clock.set(new Date());
    const caseId = await refer();
    const seat = await call(lead, GrantCaseRelationship, { caseId, kind: 'CONSULTATION_PANEL', agency: 'cps', issuer: prosecutor.issuer, subject: prosecutor.subject }, (r, c) => caseAccess.grant(r, c, c));
    await call(lead, ExcludeFromCase, { caseId, issuer: otherScreener.issuer, subject: otherScreener.subject }, (r, c) => caseAccess.exclude(r, c, c));
    await call(mhLead, OpenBreakGlass, { caseId, justification: 'Patient disclosed intent to harm the victim tonight' }, (r, c) => caseAccess.breakGlass(r, c, c));
    await call(lead, EndCaseRelationship, { caseId, relationshipId: seat.relationshipId }, (r, c) => caseAccess.end(r.caseId, r.relationshipId, c, c).then(() => ({ ended: true as const })));
    const seatOf = `CONSULTATION_PANEL:${prosecutor.issuer}#${prosecutor.subject}`;
    const referrer = `ASSIGNMENT:${screener.issuer}#${screener.subject}`;
    const glass = `BREAK_GLASS:${mhLead.issuer}#${mhLead.subject}`;
    expect(await accessEvents(caseId)).toEqual([
      { version: 1, relationships: [seatOf, referrer].sort(), exclusions: [] },
      { version: 2, relationships: [seatOf, referrer].sort(), exclusions: [otherScreener.subject] },
      { version: 3, relationships: [glass, seatOf, referrer].sort(), exclusions: [otherScreener.subject] },
      { version: 4, relationships: [glass, referrer].sort(), exclusions: [otherScreener.subject] },
    ]);
    // A refused change announces nothing.
    await problemOf(call(lead, EndCaseRelationship, { caseId, relationshipId: seat.relationshipId }, (r, c) => caseAccess.end(r.caseId, r.relationshipId, c, c).then(() => ({ ended: true as const }))));
    expect(await accessEvents(caseId)).toHaveLength(4);
  });
});

describe('a replica of the announced state', () => {
  it("AC-14: a newer state replaces only the owner's rows; a redelivered or older one changes nothing", async () => {
    const caseId = randomUUID();
    const state = new CaseAccessState();
    const own = await h.relationships.grant(h.ds, { caseId, kind: 'ASSIGNMENT', agency: 'police', issuer: screener.issuer, subject: screener.subject, createdBy: 'own-workflow' });
    // In force from a minute ago on the database's clock, as intake's now() stamps them.
    const at = new Date(Date.now() - 60_000);
    const seat = (subject: string) => ({ relationshipId: randomUUID(), kind: 'CONSULTATION_PANEL' as const, agency: 'cps' as const, issuer: prosecutor.issuer, subject, readOnly: false, validFrom: at, validTo: null });
    const excluded = { exclusionId: randomUUID(), issuer: otherScreener.issuer, subject: otherScreener.subject, validFrom: at, validTo: null };
    const held = async () => {
      const rels: { id: string; origin: string | null }[] = await h.ds.query(`SELECT id, origin FROM case_relationship WHERE case_id = $1 ORDER BY origin NULLS FIRST, subject`, [caseId]);
      const excl: { id: string }[] = await h.ds.query(`SELECT id FROM case_exclusion WHERE case_id = $1`, [caseId]);
      return { rels: rels.map((r) => `${r.origin ?? 'own'}:${r.id}`), excl: excl.map((x) => x.id) };
    };
    const v1: CaseAccessFacts = { caseId, version: 1, changedAt: at, relationships: [seat('p-1')], exclusions: [] };
    const v2: CaseAccessFacts = { caseId, version: 2, changedAt: at, relationships: [seat('p-2')], exclusions: [excluded] };
    const apply = (s: CaseAccessFacts) => h.ds.transaction((m) => state.replicate(m, s, 'intake', 'intake:test'));
    expect(await apply(v2)).toBe(true);
    const after2 = await held();
    expect(after2).toEqual({ rels: [`own:${own}`, `intake:${v2.relationships[0].relationshipId}`], excl: [excluded.exclusionId] });
    // Late and redelivered: nothing changes.
    expect(await apply(v1)).toBe(false);
    expect(await apply(v2)).toBe(false);
    expect(await held()).toEqual(after2);
    expect((await h.relationships.forPrincipal(h.ds, caseId, otherScreener)).excluded).toBe(true);
    // Newer and empty: the owner's rows go, the service's own stay.
    expect(await apply({ caseId, version: 3, changedAt: at, relationships: [], exclusions: [] })).toBe(true);
    expect(await held()).toEqual({ rels: [`own:${own}`], excl: [] });
  });
});

describe('referring a crime reference that is already on a case', () => {
  it('LAW-01/LAW-03/AC-09: the existing case is named only to a caller who may read it, and the answer is logged either way', async () => {
    const body = referral();
    const first = await referrals.refer(body, referCtx(screener));
    // A colleague of the owning team may read it: answered with the case, and the disclosure is logged.
    const again = await referrals.refer(body, referCtx(otherScreener));
    expect(again).toMatchObject({ caseId: first.caseId, created: false });
    const log = (subject: string) =>
      h.ds.query(`SELECT operation, decision, reason FROM access_log WHERE action = 'referral.existing-case' AND actor_subject = $1 AND $2 = ANY(record_ids) ORDER BY seq`, [subject, first.caseId]);
    expect(await log(otherScreener.subject)).toEqual([{ operation: 'disclosure', decision: 'allow', reason: null }]);
    // Once the police team's relationship to the case has ended, the same colleague holds none: 409 naming no case, logged as a denial.
    await h.ds.query(`UPDATE case_relationship SET valid_to = now() WHERE case_id = $1 AND kind = 'OWNING_TEAM'`, [first.caseId]);
    const refused = await problemOf(referrals.refer(body, referCtx(otherScreener)));
    expect(refused).toMatchObject({ status: 409, code: 'crime-reference-in-use' });
    expect(JSON.stringify(refused)).not.toContain(first.caseId);
    expect(await log(otherScreener.subject)).toEqual([
      { operation: 'disclosure', decision: 'allow', reason: null },
      { operation: 'consultation', decision: 'deny', reason: 'no-relationship' },
    ]);
    // The referrer's own assignment still opens it to them.
    expect(await referrals.refer(body, referCtx(screener))).toMatchObject({ caseId: first.caseId, created: false });
  });
});

describe('the break-glass alarm and its review', () => {
  const alerts = async () => (await metrics.securityAlerts.get()).values.find((v) => v.labels.kind === 'break-glass')?.value ?? 0;

  async function breakGlass(caseId: string) {
    const opened = await call(mhLead, OpenBreakGlass, { caseId, justification: 'Patient disclosed intent to harm the victim tonight' }, (r, c) => caseAccess.breakGlass(r, c, c));
    const [row]: { envelope: { id: string; additionalInformation: BreakGlassOpenedV1 } }[] = await h.ds.query(
      `SELECT envelope FROM outbox WHERE subject = 'intake.access.break-glass-opened.v1' AND envelope->'additionalInformation'->>'relationshipId' = $1`,
      [opened.relationshipId],
    );
    return row.envelope.additionalInformation;
  }

  it('AC-06: the consumer raises the alarm once per break-glass (counter, a log line of ids only) and marks the review alerted on the DPO worklist', async () => {
    const caseId = await refer();
    const before = await alerts();
    const event = await breakGlass(caseId);
    for (let i = 0; i < 2; i++) await h.ds.transaction((m) => reviews.onBreakGlassOpened(event, h.eventContext(m, caseId)));
    expect(await alerts()).toBe(before + 1);
    const lines = logLines.filter((l) => l.includes('"alert":"break-glass"'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(event.reviewTaskId);
    for (const secret of ['Patient disclosed', caseId, mhLead.subject]) expect(lines[0]).not.toContain(secret);
    const [review]: { status: string; alerted_at: Date | null }[] = await h.ds.query(`SELECT status, alerted_at FROM break_glass_review WHERE id = $1`, [event.reviewTaskId]);
    expect(review.status).toBe('OPEN');
    expect(review.alerted_at).toBeInstanceOf(Date);
  });

  it("AC-06: the police DPO pages the open reviews oldest first and completes one with an outcome and a note (If-Match, logged, a retry answered again); no one else may", async () => {
    const events = [];
    for (let i = 0; i < 3; i++) {
      h.clock.set(new Date(Date.parse('2026-12-01T09:00:00Z') + i * 60_000));
      events.push(await breakGlass(await refer()));
    }
    const list = (q: object) => call(dpo, ListBreakGlassReviews, q, (r, c) => reviews.listOpen(r, c), 'audit');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.reviews.length).toBeLessThanOrEqual(2);
      seen.push(...page.reviews.map((r) => r.reviewId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const mine = events.map((e) => e.reviewTaskId);
    expect(seen.filter((id) => mine.includes(id))).toEqual(mine);
    expect(await problemOf(list({ cursor: 'bm90LW91cnM' }))).toMatchObject({ status: 400 });

    const target = mine[0];
    const complete = (body: object) => call(dpo, CompleteBreakGlassReview, { reviewId: target, ...body }, (r, c) => reviews.complete(r, c), 'audit');
    const done = { outcome: 'JUSTIFIED', note: 'Disclosure confirmed with the clinician; access was proportionate' };
    expect(await problemOf(complete({ ...done, expectedVersion: 2 }))).toMatchObject({ status: 412 });
    const completed = await complete({ ...done, expectedVersion: 1 });
    expect(completed).toMatchObject({ reviewId: target, status: 'REVIEWED', outcome: 'JUSTIFIED', reviewedBy: `${dpo.issuer}#${dpo.subject}`, version: 2 });
    // A retry of the same completion (the first answer lost) is answered again; another outcome is 409.
    expect(await complete({ ...done, expectedVersion: 1 })).toEqual(completed);
    expect(await problemOf(complete({ outcome: 'NOT_JUSTIFIED', note: 'Changed my mind about it entirely', expectedVersion: 2 }))).toMatchObject({ status: 409, code: 'review-already-completed' });
    expect((await list({ limit: 200 })).reviews.map((r) => r.reviewId)).not.toContain(target);
    expect(await problemOf(complete({ outcome: 'MAYBE', note: 'Not an outcome of the list', expectedVersion: 2 }))).toMatchObject({ status: 400 });
    expect(await problemOf(call(dpo, CompleteBreakGlassReview, { reviewId: randomUUID(), ...done, expectedVersion: 1 }, (r, c) => reviews.complete(r, c), 'audit'))).toMatchObject({ status: 404 });
    // LAW-01: the completion and the retry are logged; the lists too.
    const logged: { action: string; operation: string }[] = await h.ds.query(`SELECT action, operation FROM access_log WHERE $1 = ANY(record_ids) AND actor_subject = $2 ORDER BY seq`, [target, dpo.subject]);
    expect(logged.filter((l) => l.action === 'break-glass-review.complete').map((l) => l.operation)).toEqual(['alteration', 'consultation']);
    expect(logged.some((l) => l.action === 'break-glass-review.read')).toBe(true);
    // Only the DPO of the agency that owns the case, for the audit purpose.
    expect(await problemOf(call(lead, ListBreakGlassReviews, {}, (r, c) => reviews.listOpen(r, c), 'audit'))).toMatchObject({ status: 403 });
    expect(await problemOf(call(mhDpo, ListBreakGlassReviews, {}, (r, c) => reviews.listOpen(r, c), 'audit'))).toMatchObject({ status: 403 });
    expect(await problemOf(call(dpo, ListBreakGlassReviews, {}, (r, c) => reviews.listOpen(r, c), 'safeguarding'))).toMatchObject({ status: 403 });
  });
});
