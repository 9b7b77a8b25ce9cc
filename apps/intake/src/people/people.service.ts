import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import {
  MAX_OTHER_NAMES,
  type AddOtherNameRequest,
  type AddPersonToCaseRequest,
  type CaseScoped,
  type ChangePersonRoleRequest,
  type DecideDuplicateRequest,
  type IdentifyPersonRequest,
  type PersonIdentified,
  type PersonOnCaseQuery,
  type PersonSearchQuery,
  type CaseRolesView,
  type DuplicateCandidateList,
  type DuplicateCandidateView,
  type LinkedCase,
  type OtherName,
  type PersonAdded,
  type PersonOtherNames,
  type PersonRoles,
  type PersonSearchResult,
  type PersonView,
} from '@stac/contracts';
import { AccessLog, type Authorized } from '@stac/auth';
import { birthDateProblem, londonDate, type PersonRole } from '@stac/domain';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { CaseParticipant } from './case-participant.entity';
import { DuplicateCandidate } from './duplicate-candidate.entity';
import { MATCH_REASONS, type MatchReasonCode } from './duplicate-matching';
import { visibleCases, visibleParticipation } from './case-visibility';
import { assertOtherNames, isRecordedName, otherNameProblems } from './other-names';
import { CounterAllegations } from './counter-allegations';
import { compactName } from './name-normalisation';
import { Person } from './person.entity';
import { PersonRecords, type OtherNameValue } from './person-records';
import { Outbox } from '@stac/messaging';
import { requestPartnerChecks } from '../partner-answers/partner-answers.service';

type Queryable = Pick<EntityManager, 'query'>;

/** Candidates read beyond a page in each batch of a search, for those on cases the caller may not see. */
const SEARCH_SLACK = 10;

const PERSON_NOT_FOUND = () => rpcProblem(404, 'person-not-found', 'No such person on this case');
const CANDIDATE_NOT_FOUND = () => rpcProblem(404, 'duplicate-candidate-not-found', 'No such duplicate candidate on this case');

/**
 * The people register's request/reply use cases (domain.md §4 Person): search before create, adding a
 * person to a case (with duplicate detection), role changes, duplicate decisions and the person view with
 * linked cases. Every answer is authorised per case and audited before it is returned (LAW-01/02); a
 * person or case the caller may not see is never named (AC-09).
 */
@Injectable()
export class PeopleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accessLog: AccessLog,
    private readonly records: PersonRecords,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly counterAllegations: CounterAllegations,
  ) {}

  // --- search before create -------------------------------------------------------------------

  async search(q: PersonSearchQuery, ctx: RequestContext): Promise<PersonSearchResult> {
    const granted = ctx;
    if (!q.givenName && !q.familyName && !q.dateOfBirth && !q.identifiers?.length) {
      throw rpcProblem(400, 'search-criteria-required', 'Give a name, a date of birth or an identifier to search for');
    }
    // The best candidates only: enough for a page of visible matches without touching hundreds of cases.
    const found = await this.records.candidates(this.dataSource.manager, q, { mode: 'search', limit: 100 });
    const want = q.limit ?? 20;
    const visibleMatches: { f: (typeof found)[number]; cases: CaseRolesView[] }[] = [];
    // Best first, a page and a little more at a time: the cases of people the caller will never be shown
    // are not read, and another batch is read only when some of this one were on cases the caller may not see.
    for (let from = 0; from < found.length && visibleMatches.length < want; from += want + SEARCH_SLACK) {
      const batch = found.slice(from, from + want + SEARCH_SLACK);
      const visible = await visibleParticipation(this.dataSource.manager, granted.principal, granted.purpose, batch.map((f) => f.person.id));
      for (const f of batch) {
        const cases = visible.get(f.person.id) ?? [];
        // Never a person only on cases the caller may not see (AC-09), nor an orphan record.
        if (cases.length > 0) visibleMatches.push({ f, cases });
      }
    }
    const matches = visibleMatches.slice(0, want).map(({ f, cases }) => ({
      personId: f.person.id,
      grade: f.match.grade,
      score: f.match.score,
      reasons: f.match.reasons,
      identityKnown: f.person.identityKnown,
      givenName: f.identity.givenName,
      familyName: f.identity.familyName,
      dateOfBirth: f.identity.dateOfBirth,
      cases,
    }));
    await this.accessLog.record(this.dataSource, {
      operation: 'consultation',
      action: 'person.search',
      principal: granted.principal,
      recordType: 'person',
      recordIds: matches.map((m) => m.personId),
      fieldGroups: [],
      purpose: granted.purpose,
      recipients: [granted.principal.agency],
      decision: granted.decision,
      correlationId: ctx.correlationId,
    });
    return { matches };
  }

  // --- add a person to a case -------------------------------------------------------------------

  async add(body: AddPersonToCaseRequest, ctx: RequestContext): Promise<PersonAdded> {
    const caseId = body.caseId;
    if (body.person && body.personId) throw rpcProblem(400, 'person-or-person-id', 'Give either person (new) or personId (existing), not both');
    const dobProblem = body.person?.dateOfBirth ? birthDateProblem('person.dateOfBirth', body.person.dateOfBirth, londonDate(this.clock.now())) : null;
    if (dobProblem) throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'person.dateOfBirth', message: dobProblem }] });
    if (body.person?.otherNames) {
      assertOtherNames(body.person.otherNames, { field: 'person.otherNames', today: londonDate(this.clock.now()), current: body.person });
    }
    if ((body.person?.contact || body.person?.location) && body.role !== 'VICTIM') {
      throw rpcProblem(400, 'victim-fields-only', 'Contact and location are recorded for victims only');
    }
    const granted = ctx;
    const now = this.clock.now();
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'person.add', body, async () => {
        let personId: string;
        let created: boolean;
        let candidates: DuplicateCandidate[] = [];
        if (body.personId) {
          personId = body.personId;
          // Only a person the caller can already see somewhere may be linked; otherwise it does not exist for them.
          const visible = await visibleParticipation(m, granted.principal, granted.purpose, [personId]);
          if (!visible.get(personId)?.length) throw PERSON_NOT_FOUND();
          created = false;
        } else {
          const p = body.person!;
          const person = await this.records.create(m, {
            givenName: p.givenName,
            familyName: p.familyName,
            dateOfBirth: p.dateOfBirth,
            identityKnown: p.identityKnown,
            identifiers: p.identifiers,
            otherNames: p.otherNames,
            contact: p.contact ? { ...p.contact } : null,
            location: p.location ? { ...p.location } : null,
          });
          personId = person.id;
          created = true;
          candidates = await this.records.detectDuplicates(m, personId, { ...p, identifiers: p.identifiers, otherNames: p.otherNames }, now);
        }
        const open: unknown[] = await m.query(
          'SELECT 1 FROM case_participant WHERE case_id = $1 AND person_id = $2 AND role = $3 AND valid_to IS NULL',
          [caseId, personId, body.role],
        );
        if (open.length) throw rpcProblem(409, 'already-on-case', 'This person already has this role on the case');
        await m.insert(CaseParticipant, { caseId, personId, role: body.role, validFrom: now, validTo: null });
        if (body.role === 'PERSON_OF_CONCERN') await requestPartnerChecks(this.outbox, m, { caseId, personId, at: now, trigger: 'ADDED', headers: { correlationId: ctx.correlationId } });
        // A victim linked here who is a person of concern elsewhere (or the other way round): a counter-allegation.
        await this.counterAllegations.detect(m, caseId, now, ctx);
        const views = await this.candidateViews(m, granted, candidates, new Set([personId]));
        await this.accessLog.append(m, {
          operation: 'collection',
          action: 'person.add',
          principal: granted.principal,
          recordType: 'person',
          recordIds: [caseId, personId],
          fieldGroups: granted.fieldGroups,
          purpose: granted.purpose,
          recipients: ['police'],
          decision: granted.decision,
          correlationId: ctx.correlationId,
        });
        if (views.length) await this.auditCombination(m, granted, ctx.correlationId, 'person.add', [personId, ...views.map((v) => v.otherPersonId)]);
        return { personId, caseId, role: body.role, created, duplicateCandidates: views };
      }),
    );
  }

  // --- the person view ----------------------------------------------------------------------------

  async get(q: PersonOnCaseQuery, ctx: RequestContext): Promise<PersonView> {
    const caseId = q.caseId;
    const granted = ctx;
    const m = this.dataSource.manager;
    const person = await m.findOneBy(Person, { id: q.personId });
    const history = person ? await m.find(CaseParticipant, { where: { caseId, personId: q.personId }, order: { validFrom: 'ASC' } }) : [];
    if (!person || history.length === 0) throw PERSON_NOT_FOUND();
    const identity = this.records.identityOf(person);
    const linkedCases = await this.linkedCases(m, granted, person.id, caseId);
    const view: PersonView = {
      personId: person.id,
      caseId,
      identityKnown: person.identityKnown,
      givenName: identity.givenName,
      familyName: identity.familyName,
      dateOfBirth: identity.dateOfBirth,
      identifiers: identity.identifiers as PersonView['identifiers'],
      otherNames: identity.otherNames.map(otherNameView),
      roles: history.map((h) => ({ role: h.role, validFrom: h.validFrom.toISOString(), validTo: h.validTo?.toISOString() ?? null })),
      linkedCases,
      version: person.version,
    };
    // Field groups only when asked for and granted (AC-03); never silently included.
    if (granted.fieldGroups.includes('victim.contact')) view.contact = this.records.contactOf(person);
    if (granted.fieldGroups.includes('victim.location')) view.location = this.records.locationOf(person);
    await this.accessLog.record(this.dataSource, {
      operation: 'consultation',
      action: 'person.read',
      principal: granted.principal,
      recordType: 'person',
      recordIds: [caseId, person.id, ...linkedCases.map((l) => l.caseId)],
      fieldGroups: granted.fieldGroups,
      purpose: granted.purpose,
      recipients: [granted.principal.agency],
      decision: granted.decision,
      correlationId: ctx.correlationId,
    });
    return view;
  }

  // --- roles change over time -------------------------------------------------------------------

  async changeRole(body: ChangePersonRoleRequest, ctx: RequestContext): Promise<PersonRoles> {
    const caseId = body.caseId;
    const granted = ctx;
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      const [locked]: { version: number }[] = await m.query('SELECT version FROM person WHERE id = $1 FOR UPDATE', [body.personId]);
      const current = locked ? await m.find(CaseParticipant, { where: { caseId, personId: body.personId, validTo: IsNull() } }) : [];
      if (!locked || current.length === 0) throw PERSON_NOT_FOUND();
      if (locked.version !== body.version) throw rpcProblem(412, 'version-mismatch', 'The person has changed since you read it');
      if (current.length === 1 && current[0].role === body.role) throw rpcProblem(409, 'role-unchanged', 'The person already has only this role');
      await m.query('UPDATE case_participant SET valid_to = $3 WHERE case_id = $1 AND person_id = $2 AND valid_to IS NULL', [caseId, body.personId, now]);
      await m.insert(CaseParticipant, { caseId, personId: body.personId, role: body.role as PersonRole, validFrom: now, validTo: null });
      if (body.role === 'PERSON_OF_CONCERN' && !current.some((p) => p.role === 'PERSON_OF_CONCERN')) {
        await requestPartnerChecks(this.outbox, m, { caseId, personId: body.personId, at: now, trigger: 'ROLE_CHANGED', headers: { correlationId: ctx.correlationId } });
      }
      // An UPDATE answers [rows, affected count].
      const [[{ version }]]: [{ version: number }[], number] = await m.query(
        'UPDATE person SET version = version + 1, updated_at = now() WHERE id = $1 RETURNING version',
        [body.personId],
      );
      await this.counterAllegations.detect(m, caseId, now, ctx);
      await this.accessLog.append(m, {
        operation: 'alteration',
        action: 'person.role.change',
        principal: granted.principal,
        recordType: 'person',
        recordIds: [caseId, body.personId],
        fieldGroups: [],
        purpose: granted.purpose,
        recipients: ['police'],
        decision: granted.decision,
        correlationId: ctx.correlationId,
      });
      const history = await m.find(CaseParticipant, { where: { caseId, personId: body.personId }, order: { validFrom: 'ASC' } });
      return {
        personId: body.personId,
        caseId,
        roles: history.map((h) => ({ role: h.role, validFrom: h.validFrom.toISOString(), validTo: h.validTo?.toISOString() ?? null })),
        version,
      };
    });
  }

  // --- previous names and aliases ---------------------------------------------------------------

  /**
   * Records a previous name or alias of a person on this case: encrypted with the others, keyed for
   * search, and matched against the register at once (new candidates are proposed, never merged).
   */
  async addOtherName(body: AddOtherNameRequest, ctx: RequestContext): Promise<PersonOtherNames> {
    const { caseId, personId } = body;
    const name = { kind: body.kind, givenName: body.givenName, familyName: body.familyName, usedFrom: body.usedFrom, usedTo: body.usedTo };
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      const [row]: { id: string; identity_enc: Buffer | null; identifiers_enc: Buffer | null; other_names_enc: Buffer | null; version: number }[] = await m.query(
        'SELECT id, identity_enc, identifiers_enc, other_names_enc, version FROM person WHERE id = $1 FOR UPDATE',
        [personId],
      );
      const onCase: unknown[] = row ? await m.query('SELECT 1 FROM case_participant WHERE case_id = $1 AND person_id = $2 LIMIT 1', [caseId, personId]) : [];
      if (!row || onCase.length === 0) throw PERSON_NOT_FOUND();
      if (row.version !== body.version) throw rpcProblem(412, 'version-mismatch', 'The person has changed since you read it');
      const identity = this.records.identityOf({ id: row.id, identityEnc: row.identity_enc, identifiersEnc: row.identifiers_enc, otherNamesEnc: row.other_names_enc });
      assertOtherNames([name], { field: null, today: londonDate(now), current: identity, repeats: false });
      if (isRecordedName(name, identity, identity.otherNames)) {
        throw rpcProblem(409, 'other-name-recorded', 'This name is already the current name or a recorded other name of this person');
      }
      if (identity.otherNames.length >= MAX_OTHER_NAMES) {
        throw rpcProblem(409, 'other-names-full', `A person holds at most ${MAX_OTHER_NAMES} other names`);
      }
      const { otherNames, version } = await this.records.addOtherName(m, { id: personId, identity }, name);
      const candidates = identity.givenName || identity.familyName || identity.dateOfBirth
        ? await this.records.detectDuplicates(m, personId, { ...identity, otherNames }, now)
        : [];
      const views = await this.candidateViews(m, ctx, candidates, new Set([personId]));
      if (candidates.length) await this.counterAllegations.detect(m, caseId, now, ctx);
      await this.accessLog.append(m, {
        operation: 'alteration',
        action: 'person.other-name.add',
        principal: ctx.principal,
        recordType: 'person',
        recordIds: [caseId, personId],
        fieldGroups: [],
        purpose: ctx.purpose,
        recipients: ['police'],
        decision: ctx.decision,
        correlationId: ctx.correlationId,
      });
      if (views.length) await this.auditCombination(m, ctx, ctx.correlationId, 'person.other-name.add', [personId, ...views.map((v) => v.otherPersonId)]);
      return { personId, caseId, otherNames: otherNames.map(otherNameView), duplicateCandidates: views, version };
    });
  }

  // --- naming a person recorded unknown ---------------------------------------------------------

  /**
   * Names a person recorded with identity unknown (an unknown suspect identified later, domain.md §6.9):
   * the identity sealed and keyed like any name (DP-02), duplicate detection at once (candidates stored and
   * returned, never merged), counter-allegations on the cases they stand on, and the partner agencies asked
   * to check a person of concern (`intake.person.check-requested`, trigger IDENTIFIED) on every case where
   * they are one. If-Match on the person's version.
   */
  async identify(body: IdentifyPersonRequest, ctx: RequestContext): Promise<PersonIdentified> {
    const { caseId, personId } = body;
    const now = this.clock.now();
    const today = londonDate(now);
    const problems: { field: string; message: string }[] = [];
    const named = (v?: string) => !!v && compactName(v) !== '';
    if (!named(body.givenName) && !named(body.familyName)) problems.push({ field: 'givenName', message: 'a given name or a family name (with letters or digits) is needed to name a person' });
    const dobProblem = body.dateOfBirth ? birthDateProblem('dateOfBirth', body.dateOfBirth, today) : null;
    if (dobProblem) problems.push({ field: 'dateOfBirth', message: dobProblem });
    if (body.otherNames) problems.push(...otherNameProblems(body.otherNames, { field: 'otherNames', today, current: body }));
    if (problems.length) throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: problems });
    return this.dataSource.transaction(async (m) => {
      const [row]: { id: string; identity_known: boolean; identity_enc: Buffer | null; identifiers_enc: Buffer | null; other_names_enc: Buffer | null; version: number }[] =
        await m.query('SELECT id, identity_known, identity_enc, identifiers_enc, other_names_enc, version FROM person WHERE id = $1 FOR UPDATE', [personId]);
      const onCase: unknown[] = row ? await m.query('SELECT 1 FROM case_participant WHERE case_id = $1 AND person_id = $2 LIMIT 1', [caseId, personId]) : [];
      if (!row || onCase.length === 0) throw PERSON_NOT_FOUND();
      if (row.version !== body.version) throw rpcProblem(412, 'version-mismatch', 'The person has changed since you read it');
      if (row.identity_known) throw rpcProblem(409, 'identity-already-known', 'This person is already identified; record a previous name or alias instead');
      // What was recorded while unknown (an identifier, an alias) is kept beside what is named now.
      const before = this.records.identityOf({ id: row.id, identityEnc: row.identity_enc, identifiersEnc: row.identifiers_enc, otherNamesEnc: row.other_names_enc });
      const identifiers = uniqueBy([...before.identifiers, ...(body.identifiers ?? [])], (i) => `${i.kind}|${i.value.replace(/\s+/g, '').toUpperCase()}`);
      const otherNames = [...before.otherNames.filter((n) => !isRecordedName(n, body, body.otherNames ?? [])), ...(body.otherNames ?? [])];
      if (otherNames.length > MAX_OTHER_NAMES) throw rpcProblem(409, 'other-names-full', `A person holds at most ${MAX_OTHER_NAMES} other names`);
      const { identity, version } = await this.records.recordIdentity(m, personId, {
        givenName: body.givenName,
        familyName: body.familyName,
        dateOfBirth: body.dateOfBirth,
        identifiers,
        otherNames,
      });
      const candidates = await this.records.detectDuplicates(m, personId, identity, now);
      const views = await this.candidateViews(m, ctx, candidates, new Set([personId]));
      // The partner agencies check a person of concern by who they are: ask again on every case they are one on.
      const concernOn: { case_id: string }[] = await m.query(
        `SELECT DISTINCT case_id FROM case_participant WHERE person_id = $1 AND role = 'PERSON_OF_CONCERN' AND valid_to IS NULL`,
        [personId],
      );
      for (const c of concernOn) {
        await requestPartnerChecks(this.outbox, m, { caseId: c.case_id, personId, at: now, trigger: 'IDENTIFIED', headers: { correlationId: ctx.correlationId } });
      }
      const cases: { case_id: string }[] = await m.query(`SELECT DISTINCT case_id FROM case_participant WHERE person_id = $1 AND valid_to IS NULL`, [personId]);
      for (const c of cases) await this.counterAllegations.detect(m, c.case_id, now, ctx);
      await this.accessLog.append(m, {
        operation: 'alteration',
        action: 'person.identify',
        principal: ctx.principal,
        recordType: 'person',
        recordIds: [caseId, personId],
        fieldGroups: [],
        purpose: ctx.purpose,
        recipients: ['police'],
        decision: ctx.decision,
        correlationId: ctx.correlationId,
      });
      if (views.length) await this.auditCombination(m, ctx, ctx.correlationId, 'person.identify', [personId, ...views.map((v) => v.otherPersonId)]);
      return {
        personId,
        caseId,
        identityKnown: true,
        givenName: identity.givenName,
        familyName: identity.familyName,
        dateOfBirth: identity.dateOfBirth,
        identifiers: identity.identifiers as PersonIdentified['identifiers'],
        otherNames: identity.otherNames.map(otherNameView),
        duplicateCandidates: views,
        partnerChecksRequested: concernOn.length > 0,
        version,
      };
    });
  }

  // --- duplicate candidates -----------------------------------------------------------------------

  async listDuplicates(q: CaseScoped, ctx: RequestContext): Promise<DuplicateCandidateList> {
    const caseId = q.caseId;
    const granted = ctx;
    const m = this.dataSource.manager;
    const onCase = await this.peopleOnCase(m, caseId);
    const rows = onCase.size
      ? await m.query(
          `SELECT * FROM duplicate_candidate WHERE person_id = ANY($1::uuid[]) OR candidate_id = ANY($1::uuid[]) ORDER BY detected_at DESC LIMIT 200`,
          [[...onCase]],
        )
      : [];
    const candidates = (rows as Record<string, unknown>[]).map(rowToCandidate);
    const views = await this.candidateViews(m, granted, candidates, onCase);
    await this.accessLog.record(this.dataSource, {
      operation: 'combination',
      action: 'person.read',
      principal: granted.principal,
      recordType: 'duplicate-candidate',
      recordIds: [caseId, ...views.flatMap((v) => [v.candidateId, v.personId, v.otherPersonId])],
      fieldGroups: [],
      purpose: granted.purpose,
      recipients: [granted.principal.agency],
      decision: granted.decision,
      correlationId: ctx.correlationId,
    });
    return { candidates: views };
  }

  async decideDuplicate(body: DecideDuplicateRequest, ctx: RequestContext): Promise<DuplicateCandidateView> {
    const caseId = body.caseId;
    const granted = ctx;
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      const [row] = await m.query('SELECT * FROM duplicate_candidate WHERE id = $1 FOR UPDATE', [body.candidateId]);
      if (!row) throw CANDIDATE_NOT_FOUND();
      const candidate = rowToCandidate(row);
      const onCase = await this.peopleOnCase(m, caseId);
      const [view] = await this.candidateViews(m, granted, [candidate], onCase);
      // The caller must see this case (authorised above) and a case of the other record (checked per case).
      if (!view) throw CANDIDATE_NOT_FOUND();
      if (candidate.version !== body.version) throw rpcProblem(412, 'version-mismatch', 'The candidate has changed since you read it');
      if (candidate.status !== 'OPEN') throw rpcProblem(409, 'already-decided', `This candidate was already ${candidate.status.toLowerCase()}`);
      await m.query(
        `UPDATE duplicate_candidate SET status = $2, decided_at = $3, decided_by = $4, version = version + 1 WHERE id = $1`,
        [candidate.id, body.decision, now, `${granted.principal.issuer}#${granted.principal.subject}`],
      );
      await this.accessLog.append(m, {
        operation: body.decision === 'CONFIRMED' ? 'combination' : 'alteration',
        action: 'person.match.decide',
        principal: granted.principal,
        recordType: 'duplicate-candidate',
        recordIds: [caseId, candidate.id, candidate.personId, candidate.candidateId],
        fieldGroups: [],
        purpose: granted.purpose,
        recipients: ['police'],
        decision: granted.decision,
        correlationId: ctx.correlationId,
      });
      return { ...view, status: body.decision, version: candidate.version + 1 };
    });
  }

  // --- helpers --------------------------------------------------------------------------------------

  /** Cases (with current roles) each person takes part in, ended roles included as cases with no roles. */
  private async peopleOnCase(db: Queryable, caseId: string): Promise<Set<string>> {
    const rows: { person_id: string }[] = await db.query('SELECT DISTINCT person_id FROM case_participant WHERE case_id = $1', [caseId]);
    return new Set(rows.map((r) => r.person_id));
  }

  /** The subset of cases the caller may see people on: the relationships of each case, decided one by one. */
  private visibleCases(db: Queryable, granted: Pick<Authorized, 'principal' | 'purpose'>, caseIds: string[]): Promise<Set<string>> {
    return visibleCases(db, granted.principal, granted.purpose, caseIds);
  }

  /**
   * Views of candidates from the side of the people in `ours`; a candidate whose other record is on no
   * case the caller may see is left out (it would reveal a case they cannot open).
   */
  private async candidateViews(
    db: Queryable,
    granted: Pick<Authorized, 'principal' | 'purpose'>,
    candidates: DuplicateCandidate[],
    ours: Set<string>,
  ): Promise<DuplicateCandidateView[]> {
    const sides = candidates.map((c) =>
      ours.has(c.personId) ? { c, mine: c.personId, other: c.candidateId } : { c, mine: c.candidateId, other: c.personId },
    );
    const visible = await visibleParticipation(db, granted.principal, granted.purpose, sides.map((s) => s.other));
    return sides.flatMap(({ c, mine, other }) => {
      const otherCases = visible.get(other) ?? [];
      if (otherCases.length === 0) return [];
      return [
        {
          candidateId: c.id,
          personId: mine,
          otherPersonId: other,
          grade: c.grade,
          score: c.score,
          reasons: c.reasons.map((code) => ({ code, explanation: MATCH_REASONS[code as MatchReasonCode] ?? code })),
          status: c.status,
          version: c.version,
          otherCases,
        },
      ];
    });
  }

  /**
   * Other cases of the same person (the same record on several cases, or records confirmed as one person,
   * followed transitively) that the caller may see, each checked on its own.
   */
  private async linkedCases(db: Queryable, granted: Authorized, personId: string, caseId: string): Promise<LinkedCase[]> {
    const rows: { person_id: string; case_id: string; roles: string[] }[] = await db.query(
      `WITH RECURSIVE same(person_id) AS (
         SELECT $1::uuid
         UNION
         SELECT CASE WHEN d.person_id = s.person_id THEN d.candidate_id ELSE d.person_id END
           FROM duplicate_candidate d JOIN same s ON s.person_id IN (d.person_id, d.candidate_id)
          WHERE d.status = 'CONFIRMED'
       )
       SELECT cp.person_id, cp.case_id, coalesce(array_agg(cp.role ORDER BY cp.role) FILTER (WHERE cp.valid_to IS NULL), '{}') AS roles
         FROM case_participant cp JOIN same s ON s.person_id = cp.person_id
        WHERE cp.case_id <> $2
        GROUP BY cp.person_id, cp.case_id
        LIMIT 200`,
      [personId, caseId],
    );
    const visible = await this.visibleCases(db, granted, rows.map((r) => r.case_id));
    return rows
      .filter((r) => visible.has(r.case_id))
      .map((r) => ({
        caseId: r.case_id,
        roles: r.roles,
        personId: r.person_id,
        via: r.person_id === personId ? 'SAME_RECORD' : 'CONFIRMED_DUPLICATE',
      }));
  }

  private auditCombination(m: EntityManager, granted: Authorized, correlationId: string, action: string, recordIds: string[]) {
    return this.accessLog.append(m, {
      operation: 'combination',
      action,
      principal: granted.principal,
      recordType: 'duplicate-candidate',
      recordIds,
      fieldGroups: [],
      purpose: granted.purpose,
      recipients: [granted.principal.agency],
      decision: granted.decision,
      correlationId,
    });
  }
}

/** An other name as answered: the fields that are known. */
function otherNameView(n: OtherNameValue): OtherName {
  return {
    kind: n.kind as OtherName['kind'],
    ...(n.givenName ? { givenName: n.givenName } : {}),
    ...(n.familyName ? { familyName: n.familyName } : {}),
    ...(n.usedFrom ? { usedFrom: n.usedFrom } : {}),
    ...(n.usedTo ? { usedTo: n.usedTo } : {}),
  };
}

function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => !seen.has(key(t)) && !!seen.add(key(t)));
}

function rowToCandidate(r: Record<string, unknown>): DuplicateCandidate {
  return Object.assign(new DuplicateCandidate(), {
    id: r.id as string,
    personId: r.person_id as string,
    candidateId: r.candidate_id as string,
    grade: r.grade,
    score: Number(r.score),
    reasons: r.reasons as MatchReasonCode[],
    status: r.status,
    detectedAt: r.detected_at as Date,
    decidedAt: (r.decided_at as Date | null) ?? null,
    decidedBy: (r.decided_by as string | null) ?? null,
    version: r.version as number,
  });
}
