import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Authorized } from '@stac/auth';
import type { IntakeCasePart } from '@stac/contracts';
import { Incident } from '../incidents/incident.entity';
import { CaseParticipant } from '../people/case-participant.entity';
import { Person } from '../people/person.entity';
import { PersonRecords } from '../people/person-records';
import { advocacyConsentOf } from '../advocacy-status/advocacy-consent.service';
import { PartnerAnswersService } from '../partner-answers/partner-answers.service';
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
}

@Injectable()
export class CasesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly people: PersonRecords,
    private readonly partnerAnswers: PartnerAnswersService,
    private readonly counterAllegations: CounterAllegations,
  ) {}

  /**
   * The intake part of the unified case view: core facts, who is involved (ids and roles), the incidents;
   * for the owning team (`withNames`) the names and the counter-allegations to cases the viewer may see.
   */
  async casePart(caseId: string, o: { withNames: boolean; viewer?: Pick<Authorized, 'principal' | 'purpose'> }): Promise<IntakeCasePart | null> {
    // Side by side: the case with its risk level, advocacy consent and whether any counter-allegation names
    // it (one statement), the people, the incidents, the partners' answers. A case that does not exist
    // finds no row and the other reads find nothing.
    const [[c], participants, incidents, partnerChecks] = await Promise.all([
      this.dataSource.query<CaseHead[]>(
        `SELECT c.id, c.crime_reference, c.source, c.offence_class, c.flags, c.bcu, c.case_officer, c.status, c.referred_at, c.version,
                r.level AS risk_level, a.state AS consent_state, a.scope AS consent_scope, a.changed_at AS consent_changed_at,
                EXISTS (SELECT 1 FROM counter_allegation ca WHERE ca.case_a = c.id OR ca.case_b = c.id) AS counter_alleged
           FROM stalking_case c
           LEFT JOIN case_risk_level r ON r.case_id = c.id
           LEFT JOIN case_advocacy_consent a ON a.case_id = c.id
          WHERE c.id = $1`,
        [caseId],
      ),
      this.dataSource.manager
        .createQueryBuilder(CaseParticipant, 'cp')
        .innerJoin(Person, 'p', 'p.id = cp.person_id')
        .select([
          'cp.person_id AS "personId"',
          'cp.role AS role',
          'p.identity_known AS "identityKnown"',
          'p.identity_enc AS "identityEnc"',
        ])
        .where('cp.case_id = :caseId AND cp.valid_to IS NULL', { caseId })
        .orderBy('cp.role')
        .getRawMany<{ personId: string; role: string; identityKnown: boolean; identityEnc: Buffer | null }>(),
      this.dataSource.manager.find(Incident, { where: { caseId }, order: { occurredAt: 'ASC' } }),
      this.partnerAnswers.forCases([caseId]),
    ]);
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
      people: participants.map(({ identityEnc, ...p }) => {
        if (!o.withNames) return p;
        // Decrypted only for the owning team's answer (DP-02, AC-03).
        const { givenName, familyName } = this.people.identityOf({ id: p.personId, identityEnc, identifiersEnc: null });
        return { ...p, displayName: [givenName, familyName].filter(Boolean).join(' ') || null };
      }),
      incidents: incidents.map((i) => ({ incidentId: i.id, occurredAt: i.occurredAt.toISOString(), behaviours: i.behaviours })),
      riskLevel: c.risk_level,
      advocacyConsent: advocacyConsentOf({ state: c.consent_state, scope: c.consent_scope, changed_at: c.consent_changed_at }),
      partnerChecks: partnerChecks.get(caseId) ?? [],
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
