import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  CaseReferredV1,
  CRIME_REFERENCE,
  ProblemException,
  type AttachCrimeReferenceCommand,
  type CrimeReferenceAttached,
  type ReferralAccepted,
  type ReferralSubmission,
} from '@stac/contracts';
import { birthDateProblem, CLOCK_SKEW_MS, londonDate, pastTimeProblem, type AdvocacyReferralBasis } from '@stac/domain';
import { AccessLog, CASE_NOT_FOUND, CaseAccessGrants, CaseRelationships, decide } from '@stac/auth';
import { Outbox } from '@stac/messaging';
import { WriteBatch } from '@stac/persistence';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { assertVersion } from '../lifecycle/case-workflow';
import { otherNameProblems } from '../people/other-names';
import { PersonRecords } from '../people/person-records';
import { StalkingCase } from '../cases/stalking-case.entity';
import { RestrictedRecordsService, restrictionKindsOf } from '../case-access/restricted-records.service';
import { CounterAllegations } from '../people/counter-allegations';

const relationships = new CaseRelationships();

/** Agencies told of every referral for their known-to-services checks (domain.md §3 H2). */
const CHECK_SHARES = [
  { agency: 'mental-health', agreementCode: 'police-to-mental-health' },
  { agency: 'probation', agreementCode: 'police-to-probation' },
] as const;
/** The longest PACE detention before charge (96 hours, with a warrant of further detention). */
const MAX_DETENTION_MS = 96 * 60 * 60 * 1000;

/** A referral that opens a case (every route but a breach): the contract requires these facts there. */
type NewCaseReferral = ReferralSubmission & Required<Pick<ReferralSubmission, 'offenceClass' | 'flags' | 'bcu' | 'victim' | 'personOfConcern' | 'advocacyReferral'>>;

function invalid(field: string, message: string) {
  return rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field, message }] });
}

/** Advocacy is told only with the victim's consent or a recorded lawful override (AC-05). */
const ADVOCACY_SHARE = { agency: 'advocacy', agreementCode: 'police-to-advocacy' } as const;

function advocacyBasis(s: ReferralSubmission): AdvocacyReferralBasis | undefined {
  if (s.advocacyReferral === 'CONSENT_GIVEN') return 'CONSENT';
  if (s.advocacyReferral === 'LAWFUL_OVERRIDE') return 'LAWFUL_OVERRIDE';
  return undefined;
}

@Injectable()
export class ReferralsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly grants: CaseAccessGrants,
    private readonly accessLog: AccessLog,
    private readonly people: PersonRecords,
    private readonly clock: Clock,
    private readonly restricted: RestrictedRecordsService,
    private readonly counterAllegations: CounterAllegations,
  ) {}

  /**
   * Records a referral and `intake.case.referred.v1` in one transaction (REL-01, REL-02). A retry with
   * the same Idempotency-Key replays the first answer; a second referral of the same crime reference
   * returns the existing case instead of duplicating it.
   */
  async refer(submission: ReferralSubmission, ctx: RequestContext): Promise<ReferralAccepted> {
    if (submission.source === 'ORDER_BREACH') throw new Error('a breach referral takes the fast path (BreachReferrals)');
    this.checkCustody(submission);
    this.checkDates(submission);
    this.checkOtherNames(submission);
    try {
      // Most referrals are of a new crime: the case is written without looking for the reference first,
      // and its unique index answers whether it was new (one round trip fewer per referral).
      return await this.dataSource.transaction((m) => this.referIn(m, submission, ctx, false));
    } catch (e) {
      // The crime reference is already on a case (recorded earlier, or by a concurrent referral that
      // committed first): everything this attempt wrote is rolled back, and the next attempt looks the
      // case up and answers with it as before.
      if ((e as { code?: string }).code === '23505') {
        return this.dataSource.transaction((m) => this.referIn(m, submission, ctx, true));
      }
      throw e;
    }
  }

  private async referIn(
    m: EntityManager,
    s: ReferralSubmission,
    ctx: RequestContext,
    lookUp: boolean,
  ): Promise<ReferralAccepted> {
    return ctx.idempotent(
      m,
      'referral.create',
      s,
      async () => {
        // Without a crime reference (a partner's referral) only the Idempotency-Key recognises a retry.
        const [existing]: { id: string; status: string; referred_at: Date }[] =
          lookUp && s.crimeReference
            ? await m.query('SELECT id, status, referred_at FROM stalking_case WHERE crime_reference = $1', [s.crimeReference])
            : [];
        if (!existing) return this.createCase(m, s as NewCaseReferral, ctx);
        // The existing case is named only to a caller who may read it, as any read decides it: a case hidden
        // from them (excluded, restricted and not named) or one they hold no relationship to is a 409 naming
        // no case (AC-09). Either way the answer is logged (LAW-01, LAW-03).
        const resource = await relationships.forPrincipal(m, existing.id, ctx.principal);
        const decision = decide(ctx.principal, 'case.read', resource, [], ctx.purpose);
        const entry = {
          action: 'referral.existing-case',
          principal: ctx.principal,
          recordType: 'case',
          recordIds: [existing.id],
          fieldGroups: [],
          purpose: ctx.purpose,
          recipients: [ctx.principal.agency],
          correlationId: ctx.correlationId,
        };
        if (!decision.allow) {
          // Outside the transaction, which the refusal rolls back: the denial stays logged.
          await this.accessLog.record(this.dataSource, { ...entry, operation: 'consultation', decision: { ...decision, rule: 'referral.existing-case' } });
          throw rpcProblem(409, 'crime-reference-in-use', 'This crime reference is already on a case');
        }
        await this.accessLog.append(m, { ...entry, operation: 'disclosure', decision: { ...decision, rule: 'referral.existing-case' } });
        return {
          caseId: existing.id,
          status: existing.status as ReferralAccepted['status'],
          referredAt: existing.referred_at.toISOString(),
          created: false,
        };
      },
    );
  }

  /** A custody trigger's relevant time is in the past and within the longest detention (nothing stored otherwise). */
  private checkCustody(s: ReferralSubmission): void {
    if (!s.custodyStartedAt) return;
    const now = this.clock.now().getTime();
    const at = Date.parse(s.custodyStartedAt);
    if (at > now + CLOCK_SKEW_MS) throw invalid('custodyStartedAt', 'custodyStartedAt cannot be in the future');
    if (at < now - MAX_DETENTION_MS) throw invalid('custodyStartedAt', 'custodyStartedAt must be within the last 96 hours (the longest detention before charge)');
  }

  /** Dates of birth and incident times that are possible on the injectable clock (API-02; nothing stored otherwise). */
  private checkDates(s: ReferralSubmission): void {
    const now = this.clock.now();
    const today = londonDate(now);
    const problems = [
      ...(['victim', 'personOfConcern'] as const).map((who) => {
        const dob = s[who]?.dateOfBirth;
        const message = dob ? birthDateProblem(`${who}.dateOfBirth`, dob, today) : null;
        return message ? { field: `${who}.dateOfBirth`, message } : null;
      }),
      ...(s.incidents ?? []).map((incident, i) => {
        const message = pastTimeProblem(`incidents.${i}.occurredAt`, incident.occurredAt, now);
        return message ? { field: `incidents.${i}.occurredAt`, message } : null;
      }),
    ].filter((p): p is { field: string; message: string } => p !== null);
    if (problems.length) throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: problems });
  }

  /** Previous names and aliases of the victim and the person of concern: dates and names that make sense (nothing stored otherwise). */
  private checkOtherNames(s: ReferralSubmission): void {
    const today = londonDate(this.clock.now());
    const problems = (['victim', 'personOfConcern'] as const).flatMap((who) => {
      const p = s[who];
      return p?.otherNames ? otherNameProblems(p.otherNames, { field: `${who}.otherNames`, today, current: p }) : [];
    });
    if (problems.length) throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: problems });
  }

  /**
   * The police attach the crime reference to a partner agency's referral once the crime is recorded
   * (domain.md §3 step 1). Idempotent for the same reference; a case that already has another one, or a
   * reference already on another case, is a 409 naming the conflict.
   */
  async attachCrimeReference(cmd: AttachCrimeReferenceCommand, ctx: RequestContext): Promise<CrimeReferenceAttached> {
    if (!CRIME_REFERENCE.test(cmd.crimeReference)) throw invalid('crimeReference', 'crimeReference must be 3-40 letters, digits, / or -');
    try {
      return await this.attachIn(cmd, ctx);
    } catch (e) {
      // Another case took the same reference between our check and our commit (the unique index decided).
      if ((e as { code?: string }).code === '23505') throw rpcProblem(409, 'crime-reference-in-use', 'This crime reference is already on another case');
      throw e;
    }
  }

  private attachIn(cmd: AttachCrimeReferenceCommand, ctx: RequestContext): Promise<CrimeReferenceAttached> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'case.crime-reference.attach', cmd, async () => {
        const c = await m.findOne(StalkingCase, { where: { id: cmd.caseId }, lock: { mode: 'pessimistic_write' } });
        if (!c) throw new ProblemException(CASE_NOT_FOUND);
        if (c.crimeReference === cmd.crimeReference) return { caseId: c.id, crimeReference: c.crimeReference, version: c.version };
        assertVersion('case', c.version, cmd.expectedVersion);
        if (c.crimeReference) {
          throw rpcProblem(409, 'crime-reference-already-attached', 'This case already has a crime reference; it is not replaced');
        }
        if (await m.exists(StalkingCase, { where: { crimeReference: cmd.crimeReference } })) {
          throw rpcProblem(409, 'crime-reference-in-use', 'This crime reference is already on another case');
        }
        c.crimeReference = cmd.crimeReference;
        const saved = await m.save(c);
        await this.accessLog.append(m, {
          operation: 'alteration',
          action: 'case.crime-reference.attach',
          principal: ctx.principal,
          recordType: 'case',
          recordIds: [c.id],
          fieldGroups: [],
          purpose: ctx.purpose,
          recipients: ['police'],
          decision: ctx.decision,
          correlationId: ctx.correlationId,
        });
        return { caseId: saved.id, crimeReference: cmd.crimeReference, version: saved.version };
      }),
    );
  }

  private async createCase(
    m: EntityManager,
    s: NewCaseReferral,
    ctx: RequestContext,
  ): Promise<ReferralAccepted> {
    const now = this.clock.now();
    const custodyStartedAt = s.custodyStartedAt ? new Date(s.custodyStartedAt) : null;
    const caseId = randomUUID();
    const advocacy = advocacyBasis(s);
    const actor = `${ctx.principal.issuer}#${ctx.principal.subject}`;
    const victimId = randomUUID();
    const personOfConcernId = randomUUID();

    // Every row this referral makes up in Node (the case, its people and their match keys, participants,
    // incidents, the outbox event, the relationships and the access-log rows) goes to Postgres as one
    // statement (one round trip instead of one each); then the reads that need those rows.
    const batch = new WriteBatch(m);
    // A custody trigger arrives with the suspect arrested and in custody; otherwise the column's default.
    const custody = s.source === 'CUSTODY_TRIGGER';
    batch.add(
      `INSERT INTO stalking_case (id, crime_reference, source, partner_agency, custody_started_at, offence_class, not_stalking_rationale, flags, bcu,
                                 case_officer, status, referred_at, advocacy_referral, advocacy_override_basis, advocacy_override_by, version${custody ? ', cj_stage' : ''})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9, $10, 'REFERRED', $11, $12, $13, $14, 1${custody ? ", 'ARRESTED'" : ''})`,
      [
        caseId,
        s.crimeReference ?? null,
        s.source,
        s.partnerAgency ?? null,
        custodyStartedAt,
        s.offenceClass,
        s.notStalkingRationale ?? null,
        s.flags,
        s.bcu,
        s.caseOfficer ?? null,
        now,
        s.advocacyReferral,
        s.advocacyOverrideBasis ?? null,
        advocacy === 'LAWFUL_OVERRIDE' ? actor : null,
      ],
    );
    // Personal fields encrypted with the agency key, names indexed by keyed hashes (DP-02); the duplicate
    // probe below hashes the same names, once.
    const hash = this.people.rememberingHash();
    this.people.createInBatch(
      batch,
      [
        { id: victimId, ...s.victim, identityKnown: true },
        { id: personOfConcernId, ...s.personOfConcern },
      ],
      hash,
    );
    batch.add(
      `INSERT INTO case_participant (case_id, person_id, role, valid_from, valid_to)
       VALUES ($1, $2, 'VICTIM', $4, NULL), ($1, $3, 'PERSON_OF_CONCERN', $4, NULL)`,
      [caseId, victimId, personOfConcernId, now],
    );
    batch.add(
      `INSERT INTO incident (id, case_id, occurred_at, behaviours)
       SELECT t.id, $1, t.occurred_at, ARRAY(SELECT jsonb_array_elements_text(t.behaviours))
         FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (id uuid, occurred_at timestamptz, behaviours jsonb)) WITH ORDINALITY AS t(id, occurred_at, behaviours, n)
        ORDER BY t.n`,
      [caseId, JSON.stringify(s.incidents.map((i) => ({ id: randomUUID(), occurred_at: new Date(i.occurredAt).toISOString(), behaviours: i.behaviours })))],
    );
    // A staff-linked or public-figure case is restricted to named people before any service hears of it:
    // its restriction (and its event) is written after the case and before the referral's event.
    if (restrictionKindsOf(s.flags).length) {
      await batch.flush();
      await this.restricted.restrictAtReferral(m, caseId, s.flags, ctx.principal, now, {
        correlationId: ctx.correlationId,
        causationId: ctx.causationId,
        traceparent: ctx.traceparent,
      });
    }
    const w = batch.manager();
    await this.outbox.enqueue(
      w,
      CaseReferredV1,
      {
        caseId,
        personIds: [victimId, personOfConcernId],
        aggregateVersion: 1,
        detailUrl: `/api/v1/cases/${caseId}`,
        additionalInformation: {
          source: s.source,
          offenceClass: s.offenceClass,
          flags: s.flags,
          victimId,
          personOfConcernId,
          incidentCount: s.incidents.length,
          referredAt: now.toISOString(),
          ...(custodyStartedAt ? { custodyStartedAt: custodyStartedAt.toISOString() } : {}),
          ...(advocacy ? { advocacyReferralBasis: advocacy } : {}),
        },
      },
      { correlationId: ctx.correlationId, causationId: ctx.causationId, traceparent: ctx.traceparent },
    );
    await this.grants.open(w, {
      caseId,
      owner: 'police',
      shares: [...CHECK_SHARES, ...(advocacy ? [ADVOCACY_SHARE] : [])],
      assignee: ctx.principal,
      actor: ctx.principal,
      correlationId: ctx.correlationId,
    });
    // s62: personal data of victim and person of concern collected (LAW-01), in the same transaction.
    await this.accessLog.append(w, {
      operation: 'collection',
      action: 'referral.create',
      principal: ctx.principal,
      recordType: 'case',
      recordIds: [caseId, victimId, personOfConcernId],
      fieldGroups: [],
      purpose: ctx.purpose,
      recipients: ['police'],
      decision: { allow: true, rule: 'referral.create' },
      correlationId: ctx.correlationId,
    });
    if (advocacy) {
      // s62: the disclosure to advocacy and its legal basis, with who decided an override (AC-05).
      await this.accessLog.append(w, {
        operation: 'disclosure',
        action: advocacy === 'LAWFUL_OVERRIDE' ? 'referral.consent-override' : 'referral.create',
        principal: ctx.principal,
        recordType: 'case',
        recordIds: [caseId, victimId],
        fieldGroups: [],
        purpose: ctx.purpose,
        legalBasis: advocacy === 'CONSENT' ? 'consent' : `lawful-override:${s.advocacyOverrideBasis}`,
        recipients: ['advocacy'],
        decision: { allow: true, rule: advocacy === 'LAWFUL_OVERRIDE' ? 'referral.consent-override' : 'referral.create' },
        correlationId: ctx.correlationId,
      });
    }
    await batch.flush();
    // Possible duplicates among earlier records are proposed for a person to decide, never merged: the
    // candidates of both people in one statement, after their rows and match keys exist (as before, the
    // victim's search can find the person of concern of this same referral).
    const proposed = await this.people.detectDuplicatesOfMany(
      m,
      [
        { personId: victimId, identity: s.victim },
        ...(s.personOfConcern.identityKnown ? [{ personId: personOfConcernId, identity: s.personOfConcern }] : []),
      ],
      now,
      hash,
    );
    // The victim is a person of concern on an earlier case where this suspect is the victim: a counter-allegation.
    // Both people are new records on this case alone, so another case can hold "the same person" only through
    // a duplicate proposal just made: without one there is nothing to find (the query would answer nothing).
    if (proposed.length > 0) {
      await this.counterAllegations.detect(m, caseId, now, { ...ctx, decision: { allow: true, rule: 'referral.create', status: 200 } });
    }
    return { caseId, status: 'REFERRED', referredAt: now.toISOString(), created: true };
  }
}
