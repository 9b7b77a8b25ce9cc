import { randomUUID } from 'node:crypto';
import {
  AccessControl,
  AccessLog,
  AuthenticationError,
  CaseAccessGrants,
  CASE_NOT_FOUND,
  type Principal,
  type Purpose,
  type TokenVerifier,
} from '@stac/auth';
import {
  EndNamingOnRestrictedCase,
  GetCaseRestriction,
  GrantFieldGroup,
  ListFieldGroupGrants,
  NameOnRestrictedCase,
  ReadTimeline,
  RevokeFieldGroup,
  SetCaseRestriction,
  type Operation,
  type ReferralSubmission,
} from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { OperationKernel, type RequestContext } from '@stac/runtime';
import { testRequestContext } from '@stac/runtime/testing';
import { problemOf } from '@stac/testing';
import { IncidentsService } from '../incidents/incidents.service';
import { PersonRecords } from '../people/person-records';
import { ReferralsService } from '../referrals/referrals.service';
import { WorkflowHarness } from '../testing/workflow-test-harness';
import { CaseAccessService } from './case-access.service';

jest.setTimeout(60_000);

/**
 * Restricted records and field-group grants through the service kernel, against a real Postgres: the real
 * AccessControl decides over the relationship, restriction and grant data (only the token is stood in for),
 * so a refusal here is the one a caller gets.
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
let access: AccessControl;
let referrals: ReferralsService;
let incidents: IncidentsService;
let caseAccess: CaseAccessService;

const who = (subject: string, roles: Principal['roles'], agency: Principal['agency'] = 'police'): Principal => {
  const p = { issuer: `https://idp.test/${agency}`, subject, agency, roles };
  principals.set(subject, p);
  return p;
};
const referrer = who('screener-referrer', ['stac-screener']);
const colleague = who('screener-colleague', ['stac-screener']);
const lead = who('lead-1', ['stac-lead']);
const officer = who('officer-named', ['case-officer']);
const probationOfficer = who('po-1', ['probation-officer'], 'probation');
const prosecutor = who('prosecutor-1', ['prosecutor'], 'cps');
const otherProsecutor = who('prosecutor-2', ['prosecutor'], 'cps');

function admit<Req extends object, Rep>(p: Principal, op: Operation<Req, Rep>, body: object, purpose: Purpose = 'investigation') {
  return kernel.admit(op, { correlationId: randomUUID(), token: p.subject, purpose, idempotencyKey: randomUUID(), body });
}
async function call<Req extends object, Rep>(p: Principal, op: Operation<Req, Rep>, body: object, run: (r: Req, ctx: RequestContext) => Promise<Rep>): Promise<Rep> {
  const { request, ctx } = await admit(p, op, body);
  return run(request, ctx);
}
/** What the caller is answered for reading the case's timeline (200 or the problem). */
async function readTimeline(p: Principal, caseId: string): Promise<unknown> {
  try {
    await call(p, ReadTimeline, { caseId }, (r, c) => incidents.timeline(r, c));
    return 200;
  } catch (e) {
    return (e as { problem?: unknown }).problem ?? e;
  }
}

let seq = 0;
const referral = (flags: ReferralSubmission['flags']): ReferralSubmission =>
  ({
    crimeReference: `CR-RESTRICTED-${process.pid}-${++seq}`,
    source: 'CRIME_REPORT',
    offenceClass: 'S4A_FEAR',
    flags,
    bcu: 'CE',
    victim: { givenName: 'Synthetic', familyName: `Victim${seq}` },
    personOfConcern: { identityKnown: true, givenName: 'Synthetic', familyName: `Officer${seq}` },
    advocacyReferral: 'CONSENT_DECLINED',
    incidents: [{ occurredAt: '2026-11-30T08:00:00Z', behaviours: ['FOLLOWING'] }],
  }) as ReferralSubmission;

async function refer(flags: ReferralSubmission['flags'], by = referrer): Promise<string> {
  const { caseId } = await referrals.refer(referral(flags), testRequestContext(by, { clock: h.clock, idempotencyKey: randomUUID() }, h.idempotency));
  return caseId;
}

async function restrictionEvents(caseId: string) {
  const rows: { envelope: { aggregateVersion: number; additionalInformation: { restricted: boolean; kinds: string[]; named: { subject: string }[] } } }[] =
    await h.ds.query(`SELECT envelope FROM outbox WHERE envelope->>'caseId' = $1 AND subject = 'intake.case.restriction-changed.v1' ORDER BY seq`, [caseId]);
  return rows.map((r) => ({ version: r.envelope.aggregateVersion, ...r.envelope.additionalInformation, named: r.envelope.additionalInformation.named.map((n) => n.subject) }));
}

beforeAll(async () => {
  await h.start('restricted_records');
  access = new AccessControl(verifier, h.ds, accessLog, h.relationships);
  kernel = new OperationKernel(access, accessLog, h.ds, h.clock, h.idempotency);
  const outbox = new Outbox('intake');
  referrals = new ReferralsService(h.ds, outbox, new CaseAccessGrants(h.relationships, accessLog), accessLog, new PersonRecords(h.cipher), h.clock, h.restrictedRecords, h.counterAllegations);
  incidents = new IncidentsService(h.ds, outbox, h.clock);
  caseAccess = new CaseAccessService(h.ds, h.relationships, accessLog, outbox, h.clock);
});
afterAll(() => h.stop());

describe('restricted records (staff-linked, public figure)', () => {
  it('AC-15/AC-09: a STAFF_LINKED referral is restricted from the start: the referrer is named, a colleague of the same team gets the 404 of a missing case', async () => {
    const caseId = await refer(['STAFF_LINKED', 'DOMESTIC']);
    expect(await readTimeline(referrer, caseId)).toBe(200);
    const hidden = await readTimeline(colleague, caseId);
    const missing = await readTimeline(colleague, randomUUID());
    expect(hidden).toEqual(CASE_NOT_FOUND);
    expect(JSON.stringify(hidden)).toBe(JSON.stringify(missing));
    // Control: an unrestricted case of the same team is open to the colleague.
    const open = await refer(['DOMESTIC']);
    expect(await readTimeline(colleague, open)).toBe(200);
    // Worklists never list it to anyone not named (ids included).
    const screening = async (p: Principal) =>
      (await h.worklists.screening({ principal: p, purpose: 'investigation', decision: { allow: true, rule: 'worklist.read', status: 200 }, fieldGroups: [] }, randomUUID(), { limit: 200 })).untriaged.map(
        (i) => i.caseId,
      );
    expect(await screening(colleague)).toEqual(expect.arrayContaining([open]));
    expect(await screening(colleague)).not.toContain(caseId);
    expect(await screening(referrer)).toEqual(expect.arrayContaining([caseId, open]));
    // Announced before case.referred, so no service opens the case before it knows it is restricted.
    const subjects: { subject: string }[] = await h.ds.query(`SELECT subject FROM outbox WHERE envelope->>'caseId' = $1 ORDER BY seq`, [caseId]);
    const order = subjects.map((s) => s.subject);
    expect(order.indexOf('intake.case.restriction-changed.v1')).toBeLessThan(order.indexOf('intake.case.referred.v1'));
    expect(await restrictionEvents(caseId)).toEqual([{ version: 2, restricted: true, kinds: ['STAFF_LINKED'], named: ['screener-referrer'], changedAt: expect.any(String) }]);
    // LAW-03: the refusal is logged with its reason.
    const [denied] = await h.ds.query(`SELECT decision, reason FROM access_log WHERE actor_subject = 'screener-colleague' AND $1 = ANY(record_ids)`, [caseId]);
    expect(denied).toEqual({ decision: 'deny', reason: 'restricted' });
  });

  it('AC-15/AC-09: referring the crime reference of a restricted case again never names the case to someone not named on it', async () => {
    const body = referral(['STAFF_LINKED']);
    const first = await referrals.refer(body, testRequestContext(referrer, { clock: h.clock, idempotencyKey: randomUUID() }, h.idempotency));
    const again = await problemOf(referrals.refer(body, testRequestContext(colleague, { clock: h.clock, idempotencyKey: randomUUID() }, h.idempotency)));
    expect(again).toMatchObject({ status: 409, code: 'crime-reference-in-use' });
    expect(JSON.stringify(again)).not.toContain(first.caseId);
    // The referrer, named on it, is answered with the existing case as before.
    expect(await referrals.refer(body, testRequestContext(referrer, { clock: h.clock, idempotencyKey: randomUUID() }, h.idempotency))).toMatchObject({
      caseId: first.caseId,
      created: false,
    });
  });

  it('AC-15/AC-06: PUBLIC_FIGURE restricts too; break-glass by someone not named answers 404 and opens nothing', async () => {
    const caseId = await refer(['PUBLIC_FIGURE']);
    expect(await readTimeline(colleague, caseId)).toEqual(CASE_NOT_FOUND);
    const glass = await problemOf(caseAccess.breakGlass({ caseId, justification: 'Urgent safeguarding concern tonight' }, { principal: lead, purpose: 'safeguarding', decision: { allow: true, rule: 'case.break-glass', status: 200 }, fieldGroups: [] }, { correlationId: randomUUID() }));
    expect(glass).toEqual(CASE_NOT_FOUND);
    expect(await h.ds.query(`SELECT 1 FROM case_relationship WHERE case_id = $1 AND kind = 'BREAK_GLASS'`, [caseId])).toEqual([]);
  });

  it("AC-15/AC-12/LAW-01: the owning team's lead names and un-names people (named or not); each change takes effect on the next request and is announced whole", async () => {
    const caseId = await refer(['STAFF_LINKED']);
    // The lead is not named, yet manages the names (and sees nothing else of the case).
    expect(await readTimeline(lead, caseId)).toEqual(CASE_NOT_FOUND);
    const view = await call(lead, GetCaseRestriction, { caseId }, (r) => h.restrictedRecords.view(r.caseId));
    expect(view).toMatchObject({ restricted: true, kinds: ['STAFF_LINKED'], version: 2, named: [{ subject: 'screener-referrer', inForce: true, reason: 'Referred the case' }] });
    const named = await call(lead, NameOnRestrictedCase, { caseId, issuer: officer.issuer, subject: officer.subject, reason: 'Investigating officer from professional standards' }, (r, c) =>
      h.restrictedRecords.name(r, c),
    );
    expect(named).toMatchObject({ subject: officer.subject, inForce: true, namedBy: `${lead.issuer}#${lead.subject}` });
    // Named, the officer sees the case through the police team's relationship, on the next request.
    expect(await readTimeline(officer, caseId)).toBe(200);
    // Named is necessary, not sufficient: a named prosecutor with no share of the case still finds nothing.
    await call(lead, NameOnRestrictedCase, { caseId, issuer: prosecutor.issuer, subject: prosecutor.subject, reason: 'Early advice on the charge' }, (r, c) => h.restrictedRecords.name(r, c));
    expect(await readTimeline(prosecutor, caseId)).toEqual(CASE_NOT_FOUND);
    expect(
      await problemOf(call(lead, NameOnRestrictedCase, { caseId, issuer: officer.issuer, subject: officer.subject, reason: 'Named a second time by mistake' }, (r, c) => h.restrictedRecords.name(r, c))),
    ).toMatchObject({ status: 409, code: 'already-named' });
    await call(lead, EndNamingOnRestrictedCase, { caseId, grantId: named.grantId }, (r, c) => h.restrictedRecords.endNaming(r, c).then(() => ({ ended: true as const })));
    expect(await readTimeline(officer, caseId)).toEqual(CASE_NOT_FOUND);
    expect(await problemOf(call(lead, EndNamingOnRestrictedCase, { caseId, grantId: named.grantId }, (r, c) => h.restrictedRecords.endNaming(r, c).then(() => ({ ended: true as const }))))).toMatchObject({
      status: 404,
      code: 'named-person-not-found',
    });
    const events = await restrictionEvents(caseId);
    expect(events.map((e) => [e.version, e.named])).toEqual([
      [2, ['screener-referrer']],
      [3, ['screener-referrer', 'officer-named']],
      [4, ['screener-referrer', 'officer-named', 'prosecutor-1']],
      [5, ['screener-referrer', 'prosecutor-1']],
    ]);
    // Nobody but a lead of the owning team manages names.
    expect(await problemOf(admit(referrer, NameOnRestrictedCase, { caseId, issuer: officer.issuer, subject: officer.subject, reason: 'Trying to add a friend' }))).toMatchObject({ status: 403 });
    // LAW-01: every change is in the access log with its reason.
    const logged: { action: string; justification: string | null }[] = await h.ds.query(
      `SELECT action, justification FROM access_log WHERE record_type = 'case-restriction' AND $1 = ANY(record_ids) AND decision = 'allow' ORDER BY occurred_at, id`,
      [caseId],
    );
    expect(logged.map((l) => l.action)).toEqual(expect.arrayContaining(['case.restriction.set', 'case.restriction.name', 'case.restriction.end-naming']));
    expect(logged.find((l) => l.action === 'case.restriction.name')?.justification).toBe('Investigating officer from professional standards');
  });

  it('AC-15: a lead restricts an existing case (If-Match, naming themselves, flags follow) and lifts it again; 412 stale, 409 unchanged', async () => {
    const caseId = await refer(['DOMESTIC']);
    expect(await readTimeline(colleague, caseId)).toBe(200);
    const set = (kinds: string[], version: number) =>
      call(lead, SetCaseRestriction, { caseId, kinds, version, reason: 'The suspect is a serving police officer' }, (r, c) => h.restrictedRecords.set(r, c));
    expect(await problemOf(set(['STAFF_LINKED'], 3))).toMatchObject({ status: 412, code: 'version-mismatch' });
    const restricted = await set(['STAFF_LINKED'], 0);
    expect(restricted).toMatchObject({ restricted: true, kinds: ['STAFF_LINKED'], named: [{ subject: 'lead-1', inForce: true }] });
    expect(await readTimeline(colleague, caseId)).toEqual(CASE_NOT_FOUND);
    expect(await readTimeline(lead, caseId)).toBe(200);
    const [{ flags }] = await h.ds.query(`SELECT flags FROM stalking_case WHERE id = $1`, [caseId]);
    expect(flags).toEqual(['DOMESTIC', 'STAFF_LINKED']);
    expect(await problemOf(set(['STAFF_LINKED'], restricted.version))).toMatchObject({ status: 409, code: 'restriction-unchanged' });
    const lifted = await set([], restricted.version);
    expect(lifted).toMatchObject({ restricted: false, kinds: [] });
    expect(await readTimeline(colleague, caseId)).toBe(200);
    expect((await restrictionEvents(caseId)).map((e) => [e.restricted, e.kinds])).toEqual([
      [true, ['STAFF_LINKED']],
      [false, []],
    ]);
    // API-01/02: an unknown kind is refused before anything is stored.
    expect(await problemOf(admit(lead, SetCaseRestriction, { caseId, kinds: ['VIP'], version: lifted.version, reason: 'Not a restriction kind' }))).toMatchObject({ status: 400 });
  });
});

describe('field-group grants through the API (AC-03, AC-12)', () => {
  // Each agency's share with the police is for its agreement's purposes: CPS investigation, probation safeguarding.
  const askLocation = (p: Principal, caseId: string, groups: string[] = ['victim.location']) =>
    access
      .authorize({ correlationId: randomUUID(), token: p.subject, purpose: p.agency === 'cps' ? 'investigation' : 'safeguarding', body: {} }, { action: 'case.read', caseId, fieldGroups: groups as never, recordType: 'case', operation: 'consultation' })
      .then(
        () => 200,
        (e: { problem: { status: number } }) => e.problem.status,
      );
  const grant = (caseId: string, body: Record<string, unknown>) =>
    call(lead, GrantFieldGroup, { caseId, reason: 'Court liaison needs the victim address', validTo: new Date(h.clock.now().getTime() + 30 * 86_400_000).toISOString(), ...body }, (r, c) =>
      h.fieldGroupGrants.grant(r, c),
    );

  it('AC-03/AC-12/LAW-01: a lead grants victim.location to a named prosecutor: that prosecutor holds it on their next request, another does not; revoked, it is gone on the next', async () => {
    const caseId = await refer(['DOMESTIC']);
    // Shared with the CPS as the first advice request does: core facts only.
    await h.relationships.grant(h.ds, { caseId, kind: 'AGENCY_SHARE', agency: 'cps', agreementCode: 'police-to-cps', createdBy: 'test' });
    expect(await askLocation(otherProsecutor, caseId, [])).toBe(200);
    expect(await askLocation(prosecutor, caseId)).toBe(403);
    const g = await grant(caseId, { fieldGroup: 'victim.location', agency: 'cps', subject: prosecutor.subject, issuer: prosecutor.issuer });
    expect(g).toMatchObject({ fieldGroup: 'victim.location', agency: 'cps', subject: 'prosecutor-1', status: 'IN_FORCE', grantedBy: `${lead.issuer}#${lead.subject}` });
    expect(await askLocation(prosecutor, caseId)).toBe(200);
    expect(await askLocation(otherProsecutor, caseId)).toBe(403);
    // Only the group granted: asking for another is still 403.
    expect(await askLocation(prosecutor, caseId, ['victim.location', 'victim.contact'])).toBe(403);
    const revoked = await call(lead, RevokeFieldGroup, { caseId, grantId: g.grantId, reason: 'Court hearing has concluded' }, (r, c) => h.fieldGroupGrants.revoke(r, c));
    expect(revoked).toMatchObject({ status: 'REVOKED', revokedReason: 'Court hearing has concluded' });
    expect(await askLocation(prosecutor, caseId)).toBe(403);
    expect(await problemOf(call(lead, RevokeFieldGroup, { caseId, grantId: g.grantId, reason: 'Revoking a second time' }, (r, c) => h.fieldGroupGrants.revoke(r, c)))).toMatchObject({
      status: 409,
      code: 'illegal-transition',
      detail: 'field-group grant: REVOKED -> REVOKED is not a permitted transition',
    });
    const logged: { action: string; field_groups: string[]; justification: string; recipients: string[] }[] = await h.ds.query(
      `SELECT action, field_groups, justification, recipients FROM access_log WHERE record_type = 'field-group-grant' AND $1 = ANY(record_ids) ORDER BY occurred_at, id`,
      [g.grantId],
    );
    expect(logged).toEqual([
      { action: 'case.field-group.grant', field_groups: ['victim.location'], justification: 'Court liaison needs the victim address', recipients: ['cps'] },
      { action: 'case.field-group.revoke', field_groups: ['victim.location'], justification: 'Court hearing has concluded', recipients: ['cps'] },
    ]);
  });

  it("AC-03: a grant to an agency's team reaches every member with a relationship, never one without; it never opens the case", async () => {
    const caseId = await refer(['DOMESTIC']);
    expect(await askLocation(probationOfficer, caseId)).toBe(403);
    await grant(caseId, { fieldGroup: 'victim.contact', agency: 'probation' });
    expect(await askLocation(probationOfficer, caseId, ['victim.contact'])).toBe(200);
    // A case the team has no relationship to stays invisible whatever is granted on it.
    const unshared = await refer(['DOMESTIC']);
    await h.ds.query(`UPDATE case_relationship SET valid_to = now() WHERE case_id = $1 AND agency = 'probation'`, [unshared]);
    await grant(unshared, { fieldGroup: 'victim.contact', agency: 'probation' });
    expect(await askLocation(probationOfficer, unshared, ['victim.contact'])).toBe(404);
  });

  it('AC-03/API-02: refuses a grant ending in the past or more than a year ahead, the same grant twice, and an unknown group (nothing stored); lists every grant with its status', async () => {
    const caseId = await refer(['DOMESTIC']);
    const before = (await h.ds.query(`SELECT count(*)::int AS n FROM case_field_group_grant`))[0].n;
    expect(await problemOf(grant(caseId, { fieldGroup: 'victim.location', agency: 'cps', validTo: '2020-01-01T00:00:00Z' }))).toMatchObject({
      status: 400,
      errors: [{ field: 'validTo', message: 'validTo must be in the future' }],
    });
    expect(await problemOf(grant(caseId, { fieldGroup: 'victim.location', agency: 'cps', validTo: '2031-01-01T00:00:00Z' }))).toMatchObject({
      status: 400,
      errors: [{ field: 'validTo', message: 'validTo must be at most a year ahead' }],
    });
    expect(await problemOf(admit(lead, GrantFieldGroup, { caseId, fieldGroup: 'victim.shoe-size', agency: 'cps', reason: 'No such field group here', validTo: '2027-01-01T00:00:00Z' }))).toMatchObject({
      status: 400,
    });
    expect((await h.ds.query(`SELECT count(*)::int AS n FROM case_field_group_grant`))[0].n).toBe(before);
    await grant(caseId, { fieldGroup: 'intelligence', agency: 'mental-health' });
    expect(await problemOf(grant(caseId, { fieldGroup: 'intelligence', agency: 'mental-health' }))).toMatchObject({ status: 409, code: 'field-group-already-granted' });
    const list = await call(lead, ListFieldGroupGrants, { caseId }, (r) => h.fieldGroupGrants.list(r.caseId));
    expect(list.grants.map((g) => [g.fieldGroup, g.agency, g.subject, g.status])).toEqual([['intelligence', 'mental-health', null, 'IN_FORCE']]);
    // A screener cannot grant (owning-team leads only).
    expect(await problemOf(admit(referrer, GrantFieldGroup, { caseId, fieldGroup: 'intelligence', agency: 'cps', reason: 'A screener trying it', validTo: '2027-01-01T00:00:00Z' }))).toMatchObject({
      status: 403,
    });
  });
});
