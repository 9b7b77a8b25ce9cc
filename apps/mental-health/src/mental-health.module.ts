import { Module } from '@nestjs/common';
import type { DomainServiceDefinition } from '@stac/runtime';
import { ArrangementsController } from './arrangements/arrangements.controller';
import { ArrangementsService } from './arrangements/arrangements.service';
import { MhArrangement, MhArrangementChange } from './arrangements/mh-arrangement.entity';
import { DisclosureReview } from './caldicott/disclosure-review.entity';
import { DisclosuresController } from './caldicott/disclosures.controller';
import { DisclosuresService } from './caldicott/disclosures.service';
import { MentalHealthCasePartController } from './case-part/mental-health-case-part.controller';
import { ClinicalNote } from './clinical-notes/clinical-note.entity';
import { ClinicalNotesController } from './clinical-notes/clinical-notes.controller';
import { ClinicalNotesService } from './clinical-notes/clinical-notes.service';
import { TrustDataCipher } from './clinical-notes/trust-data-cipher';
import { MhConsultation } from './consultations/mh-consultation.entity';
import { MhConsultationsController } from './consultations/mh-consultations.controller';
import { MhConsultationsService } from './consultations/mh-consultations.service';
import { Intervention, InterventionSession, InterventionTransition } from './interventions/intervention.entity';
import { InterventionsController } from './interventions/interventions.controller';
import { InterventionsService } from './interventions/interventions.service';
import { KnownToServicesCheck } from './known-to-services-checks/known-to-services-check.entity';
import { knownToServicesChecksProvider } from './known-to-services-checks/known-to-services-checks';
import { KnownToServicesChecksController } from './known-to-services-checks/known-to-services-checks.controller';
import { KnownToServicesChecksService } from './known-to-services-checks/known-to-services-checks.service';
import { MentalHealthSchema1764202000000 } from './migrations/1764202000000-mental-health-schema';
import { PartnerChecks1796120000000 } from './migrations/1796120000000-partner-checks';
import { LiaisonRecords1796120100000 } from './migrations/1796120100000-liaison-records';
import { MhWorklistsController } from './worklists/mh-worklists.controller';
import { MhWorklistsService } from './worklists/mh-worklists.service';
import { CheckWhenIdentified1796254010000 } from './migrations/1796254010000-check-when-identified';
import { CaseRestrictionsHandler } from './case-access/case-restrictions.handler';

@Module({
  controllers: [
    MentalHealthCasePartController,
    KnownToServicesChecksController,
    MhConsultationsController,
    ClinicalNotesController,
    ArrangementsController,
    InterventionsController,
    MhWorklistsController,
    DisclosuresController,
  ],
  providers: [
    // Intake's restriction of a case to named people, replicated (restricted records, AC-14).
    CaseRestrictionsHandler,
    knownToServicesChecksProvider,
    KnownToServicesChecksService,
    MhConsultationsService,
    // Clinical notes under the trust's own key ring (MENTAL_HEALTH_DATA_KEYS), never the police's.
    { provide: TrustDataCipher, useFactory: () => TrustDataCipher.fromEnv() },
    ClinicalNotesService,
    ArrangementsService,
    InterventionsService,
    MhWorklistsService,
    DisclosuresService,
  ],
})
export class MentalHealthModule {}

export const MENTAL_HEALTH: DomainServiceDefinition = {
  service: 'mental-health',
  agency: 'mental-health',
  feature: MentalHealthModule,
  entities: [
    KnownToServicesCheck,
    MhConsultation,
    ClinicalNote,
    MhArrangement,
    MhArrangementChange,
    Intervention,
    InterventionTransition,
    InterventionSession,
    DisclosureReview,
  ],
  migrations: [MentalHealthSchema1764202000000, PartnerChecks1796120000000, LiaisonRecords1796120100000, CheckWhenIdentified1796254010000],
  idempotencyTable: 'idempotency_record',
};
