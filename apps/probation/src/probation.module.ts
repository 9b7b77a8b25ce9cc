import { Module } from '@nestjs/common';
import type { DomainServiceDefinition } from '@stac/runtime';
import { ProbationConsultation } from './consultations/probation-consultation.entity';
import { ProbationConsultationsService } from './consultations/probation-consultations.service';
import { EnforcementReview } from './enforcement/enforcement-review.entity';
import { EnforcementReviewsService } from './enforcement/enforcement-reviews.service';
import { PartnerIntervention, PartnerInterventionChange } from './interventions/partner-intervention.entity';
import { PartnerInterventionsService } from './interventions/partner-interventions.service';
import { ProbationKeys } from './keys/probation-keys';
import { MappaDecision } from './mappa/mappa-decision.entity';
import { MappaService } from './mappa/mappa.service';
import { ProbationSchema1764202100000 } from './migrations/1764202100000-probation-schema';
import { ProbationRecords1796130100000 } from './migrations/1796130100000-probation-records';
import { PartnerInterventions1796211000000 } from './migrations/1796211000000-partner-interventions';
import { SentenceDateHistory1796211100000 } from './migrations/1796211100000-sentence-date-history';
import { IdempotencyRecords1796230000000 } from './migrations/1796230000000-idempotency-records';
import { ProbationCaseService } from './probation-case/probation-case.service';
import { ProbationController } from './probation-case/probation.controller';
import { ProbationSettings } from './probation-settings';
import { ProbationCaseStage } from './sentence/probation-case-stage.entity';
import { ReleaseScheduler } from './sentence/release-scheduler';
import { SentenceDatesChange } from './sentence/sentence-dates-change.entity';
import { SentenceDates } from './sentence/sentence-dates.entity';
import { SentenceService } from './sentence/sentence.service';
import { SupervisionCheck } from './supervision-checks/supervision-check.entity';
import { SupervisionChecksController } from './supervision-checks/supervision-checks.controller';
import { SupervisionChecksService } from './supervision-checks/supervision-checks.service';
import { supervisionChecksProvider } from './supervision-checks/supervision-checks';
import { ProbationWorklistService } from './worklist/probation-worklist.service';
import { CheckWhenIdentified1796255010000 } from './migrations/1796255010000-check-when-identified';
import { SealedConsultationSummary1796320000001 } from './migrations/1796320000001-sealed-consultation-summary';
import { CaseRestrictionsHandler } from './case-access/case-restrictions.handler';

@Module({
  controllers: [SupervisionChecksController, ProbationController],
  providers: [
    // Intake's restriction of a case to named people, replicated (restricted records, AC-14).
    CaseRestrictionsHandler,
    // Probation's own key ring and search key (PROBATION_DATA_KEYS, PROBATION_SEARCH_KEY) and timing settings.
    { provide: ProbationKeys, useFactory: () => ProbationKeys.fromEnv() },
    { provide: ProbationSettings, useFactory: () => ProbationSettings.fromEnv() },
    // Supervision checks on the shared partner-check behaviour (CHECK_DUE_WORKING_DAYS).
    supervisionChecksProvider,
    SupervisionChecksService,
    ProbationConsultationsService,
    MappaService,
    SentenceService,
    ReleaseScheduler,
    ProbationCaseService,
    ProbationWorklistService,
    // The trust's interventions (intervention.status-changed) and the enforcement reviews they open (ENFORCEMENT_REVIEW_WORKING_DAYS).
    EnforcementReviewsService,
    PartnerInterventionsService,
  ],
})
export class ProbationModule {}

export const PROBATION: DomainServiceDefinition = {
  service: 'probation',
  agency: 'probation',
  feature: ProbationModule,
  entities: [
    SupervisionCheck,
    ProbationConsultation,
    MappaDecision,
    SentenceDates,
    SentenceDatesChange,
    ProbationCaseStage,
    PartnerIntervention,
    PartnerInterventionChange,
    EnforcementReview,
  ],
  migrations: [ProbationSchema1764202100000, ProbationRecords1796130100000, PartnerInterventions1796211000000, SentenceDateHistory1796211100000, IdempotencyRecords1796230000000, CheckWhenIdentified1796255010000, SealedConsultationSummary1796320000001],
  idempotencyTable: 'idempotency_record',
};
