import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Authorized } from '@stac/auth';
import type { IntakeCasePart } from '@stac/contracts';
import { Incident } from '../incidents/incident.entity';
import { CaseParticipant } from '../people/case-participant.entity';
import { Person } from '../people/person.entity';
import { PersonRecords } from '../people/person-records';
import { CaseRiskLevel } from '../risk-levels/case-risk-level.entity';
import { AdvocacyConsentStatuses } from '../advocacy-status/advocacy-consent.service';
import { PartnerAnswersService } from '../partner-answers/partner-answers.service';
import { CounterAllegations } from '../people/counter-allegations';
import { visibleCases } from '../people/case-visibility';
import { StalkingCase } from './stalking-case.entity';

@Injectable()
export class CasesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly people: PersonRecords,
    private readonly advocacyConsent: AdvocacyConsentStatuses,
    private readonly partnerAnswers: PartnerAnswersService,
    private readonly counterAllegations: CounterAllegations,
  ) {}

  /**
   * The intake part of the unified case view: core facts, who is involved (ids and roles), the incidents;
   * for the owning team (`withNames`) the names and the counter-allegations to cases the viewer may see.
   */
  async casePart(caseId: string, o: { withNames: boolean; viewer?: Pick<Authorized, 'principal' | 'purpose'> }): Promise<IntakeCasePart | null> {
    const c = await this.dataSource.manager.findOne(StalkingCase, { where: { id: caseId } });
    if (!c) return null;
    const [participants, incidents, risk, consent, partnerChecks] = await Promise.all([
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
      this.dataSource.manager.findOne(CaseRiskLevel, { where: { caseId } }),
      this.advocacyConsent.forCase(this.dataSource.manager, caseId),
      this.partnerAnswers.forCases([caseId]),
    ]);
    return {
      caseId: c.id,
      crimeReference: c.crimeReference,
      source: c.source,
      offenceClass: c.offenceClass,
      flags: c.flags,
      bcu: c.bcu,
      caseOfficer: c.caseOfficer,
      status: c.status,
      referredAt: c.referredAt.toISOString(),
      version: c.version,
      people: participants.map(({ identityEnc, ...p }) => {
        if (!o.withNames) return p;
        // Decrypted only for the owning team's answer (DP-02, AC-03).
        const { givenName, familyName } = this.people.identityOf({ id: p.personId, identityEnc, identifiersEnc: null });
        return { ...p, displayName: [givenName, familyName].filter(Boolean).join(' ') || null };
      }),
      incidents: incidents.map((i) => ({ incidentId: i.id, occurredAt: i.occurredAt.toISOString(), behaviours: i.behaviours })),
      riskLevel: risk?.level ?? null,
      advocacyConsent: consent,
      partnerChecks: partnerChecks.get(caseId) ?? [],
      ...(o.withNames && o.viewer ? { counterAllegations: await this.counterAllegationsSeenBy(caseId, o.viewer) } : {}),
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
