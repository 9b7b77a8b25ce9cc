import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Authorized } from '@stac/auth';
import type { LoggedRead } from '@stac/runtime';
import type { IntakeCasePart } from '@stac/contracts';
import { PersonRecords } from '../people/person-records';
import { advocacyConsentOf } from '../advocacy-status/advocacy-consent.service';
import { checkSummary } from '../partner-answers/partner-answers.service';
import { CounterAllegations } from '../people/counter-allegations';
import { visibleCases } from '../people/case-visibility';
import type { StalkingCase } from './stalking-case.entity';

/** The case row as the case view reads it, with its risk level and advocacy consent. */
interface CaseHead {
  id: string;
  crime_reference: string | null;
  source: StalkingCase['source'];
  offence_class: StalkingCase['offenceClass'];
  flags: StalkingCase['flags'];
  bcu: string;
  case_officer: string | null;
  status: StalkingCase['status'];
  referred_at: Date;
  version: number;
  risk_level: string | null;
  consent_state: string | null;
  consent_scope: string[] | null;
  consent_changed_at: Date | null;
  counter_alleged: boolean;
  /** JSON lists (null when empty); bytea as base64 and timestamps as ISO text. */
  participants: { personId: string; role: string; identityKnown: boolean; identityEnc: string | null }[] | null;
  incidents: { incidentId: string; occurredAt: string; behaviours: string[] }[] | null;
  partner_answers: (Omit<Parameters<typeof checkSummary>[0], 'answeredAt'> & { answeredAt: string })[] | null;
}

@Injectable()
export class CasesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly people: PersonRecords,
    private readonly counterAllegations: CounterAllegations,
  ) {}

  /**
   * The intake part of the unified case view: core facts, who is involved (ids and roles), the incidents;
   * for the owning team (`withNames`) the names and the counter-allegations to cases the viewer may see.
   */
  async casePart(
    caseId: string,
    o: { withNames: boolean; viewer?: Pick<Authorized, 'principal' | 'purpose'> },
    read: LoggedRead = (sql, params) => this.dataSource.query(sql, params),
  ): Promise<IntakeCasePart | null> {
    // One statement: the case with its risk level, advocacy consent and whether any counter-allegation names
    // it, and its current people, incidents and partners' answers as JSON lists. A case that does not exist
    // finds no row. Through the case-part reader, the same statement writes the access-log row naming the
    // people answered, unless a counter-allegation names the case (its visible links are read next, and
    // the row, naming them too, is written after).
    const [c] = await read<CaseHead>(
      `SELECT c.id, c.crime_reference, c.source, c.offence_class, c.flags, c.bcu, c.case_officer, c.status, c.referred_at, c.version,
              r.level AS risk_level, a.state AS consent_state, a.scope AS consent_scope, a.changed_at AS consent_changed_at,
              EXISTS (SELECT 1 FROM counter_allegation ca WHERE ca.case_a = c.id OR ca.case_b = c.id) AS counter_alleged,
              (SELECT json_agg(json_build_object('personId', cp.person_id, 'role', cp.role, 'identityKnown', p.identity_known,
                                                 'identityEnc', encode(p.identity_enc, 'base64')) ORDER BY cp.role)
                 FROM case_participant cp JOIN person p ON p.id = cp.person_id
                WHERE cp.case_id = c.id AND cp.valid_to IS NULL) AS participants,
              (SELECT json_agg(json_build_object('incidentId', i.id, 'occurredAt', i.occurred_at, 'behaviours', i.behaviours) ORDER BY i.occurred_at)
                 FROM incident i WHERE i.case_id = c.id) AS incidents,
              (SELECT json_agg(json_build_object('checkId', x.check_id, 'agency', x.agency, 'personId', x.person_id, 'answer', x.answer,
                                                 'contactRouteAvailable', x.contact_route_available, 'answeredAt', x.answered_at) ORDER BY x.answered_at DESC)
                 FROM partner_check_answer x WHERE x.case_id = c.id) AS partner_answers
         FROM stalking_case c
         LEFT JOIN case_risk_level r ON r.case_id = c.id
         LEFT JOIN case_advocacy_consent a ON a.case_id = c.id
        WHERE c.id = $1`,
      [caseId],
      {
        recordIds: `ARRAY(SELECT x.p->>'personId' FROM part, json_array_elements(part.participants) WITH ORDINALITY AS x(p, n) ORDER BY x.n)`,
        onlyIf: 'NOT (SELECT counter_alleged FROM part)',
      },
    );
    if (!c) return null;
    return {
      caseId: c.id,
      crimeReference: c.crime_reference,
      source: c.source,
      offenceClass: c.offence_class,
      flags: c.flags,
      bcu: c.bcu,
      caseOfficer: c.case_officer,
      status: c.status,
      referredAt: c.referred_at.toISOString(),
      version: c.version,
      people: (c.participants ?? []).map(({ identityEnc, ...p }) => {
        if (!o.withNames) return p;
        // Decrypted only for the owning team's answer (DP-02, AC-03).
        const sealed = identityEnc === null ? null : Buffer.from(identityEnc, 'base64');
        const { givenName, familyName } = this.people.identityOf({ id: p.personId, identityEnc: sealed, identifiersEnc: null });
        return { ...p, displayName: [givenName, familyName].filter(Boolean).join(' ') || null };
      }),
      incidents: (c.incidents ?? []).map((i) => ({ ...i, occurredAt: new Date(i.occurredAt).toISOString() })),
      riskLevel: c.risk_level,
      advocacyConsent: advocacyConsentOf({ state: c.consent_state, scope: c.consent_scope, changed_at: c.consent_changed_at }),
      partnerChecks: (c.partner_answers ?? []).map((a) => checkSummary({ ...a, answeredAt: new Date(a.answeredAt) })),
      // Looked up only when a counter-allegation names the case (most cases: none, and no further read).
      ...(o.withNames && o.viewer ? { counterAllegations: c.counter_alleged ? await this.counterAllegationsSeenBy(caseId, o.viewer) : [] } : {}),
    };
  }

  /** Counter-allegations of the case, only to other cases the viewer may see (AC-09). */
  private async counterAllegationsSeenBy(caseId: string, viewer: Pick<Authorized, 'principal' | 'purpose'>) {
    const m = this.dataSource.manager;
    const links = (await this.counterAllegations.forCases(m, [caseId])).get(caseId) ?? [];
    const visible = await visibleCases(m, viewer.principal, viewer.purpose, links.map((l) => l.otherCaseId));
    return links.filter((l) => visible.has(l.otherCaseId));
  }
}
