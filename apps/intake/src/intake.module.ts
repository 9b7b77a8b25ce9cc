import { Module } from '@nestjs/common';
import { ENGLAND_AND_WALES, WorkingDayCalendar } from '@stac/domain';
import type { DomainServiceDefinition } from '@stac/runtime';
import { BreakGlassReview } from './break-glass-reviews/break-glass-review.entity';
import { CaseAccessController } from './case-access/case-access.controller';
import { BreakGlassReviewsController } from './break-glass-reviews/break-glass-reviews.controller';
import { BreakGlassReviewsService } from './break-glass-reviews/break-glass-reviews.service';
import { BreakGlassReviewOutcome1796310100000 } from './migrations/1796310100000-break-glass-review-outcome';
import { CaseAccessService } from './case-access/case-access.service';
import { FieldGroupGrantsController } from './case-access/field-group-grants.controller';
import { FieldGroupGrantsService } from './case-access/field-group-grants.service';
import { RestrictedRecordsController } from './case-access/restricted-records.controller';
import { RestrictedRecordsService } from './case-access/restricted-records.service';
import { CasesController } from './cases/cases.controller';
import { CasesService } from './cases/cases.service';
import { StalkingCase } from './cases/stalking-case.entity';
import { AdvocacyReferralBasis1764600000000 } from './migrations/1764600000000-advocacy-referral-basis';
import { ReferralRoutes1796082666930 } from './migrations/1796082666930-referral-routes';
import { PersonOtherNames1796082700000 } from './migrations/1796082700000-person-other-names';
import { IntakeSchema1764201700000 } from './migrations/1764201700000-intake-schema';
import { BreakGlassReview1764202200000 } from './migrations/1764202200000-break-glass-review';
import { PeopleRegister1764300000000 } from './migrations/1764300000000-people-register';
import { CourseOfConduct1764300100000 } from './migrations/1764300100000-course-of-conduct';
import { Incident } from './incidents/incident.entity';
import { IncidentsController } from './incidents/incidents.controller';
import { IncidentsService } from './incidents/incidents.service';
import { CaseParticipant } from './people/case-participant.entity';
import { dataKeyFromEnv } from './people/data-key';
import { DuplicateCandidate } from './people/duplicate-candidate.entity';
import { PeopleController } from './people/people.controller';
import { PeopleService } from './people/people.service';
import { CounterAllegations } from './people/counter-allegations';
import { Person } from './people/person.entity';
import { PersonRecords } from './people/person-records';
import { PersonalDataCipher } from './people/personal-data-cipher';
import { IdempotencyRecord } from './referrals/idempotency-record.entity';
import { ReferralsController } from './referrals/referrals.controller';
import { ReferralsService } from './referrals/referrals.service';
import { BreachReferrals } from './referrals/breach-referrals.service';
import { AdviceItem } from './advice/advice-item.entity';
import { AdviceController } from './advice/advice.controller';
import { Advice } from './advice/advice.entity';
import { AdviceService } from './advice/advice.service';
import { Consultation, ConsultationAction, ConsultationChangeRecord, ConsultationDecision, ConsultationPanelMember } from './consultations/consultation.entity';
import { ConsultationsController } from './consultations/consultations.controller';
import { ConsultationsService } from './consultations/consultations.service';
import { CaseTransition } from './lifecycle/case-transition.entity';
import { CaseWorkflow } from './lifecycle/case-workflow';
import { LifecycleController } from './lifecycle/lifecycle.controller';
import { LifecycleService } from './lifecycle/lifecycle.service';
import { StacWorkflow1764400000000 } from './migrations/1764400000000-stac-workflow';
import { OrderBreach } from './orders/order-breach.entity';
import { OrderTransition } from './orders/order-transition.entity';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { ProtectiveOrder } from './orders/protective-order.entity';
import { ScreeningClock } from './screening/screening-clock.entity';
import { SCREENING_TARGET, ScreeningClocks, screeningTargetFromEnv } from './screening/screening-clock.service';
import { ScreeningController } from './screening/screening.controller';
import { Screening } from './screening/screening.entity';
import { ScreeningService } from './screening/screening.service';
import { TriageDecision } from './triage/triage-decision.entity';
import { WorklistsController } from './worklists/worklists.controller';
import { WorklistsService } from './worklists/worklists.service';
import { SealedExclusionZones1764400100000 } from './migrations/1764400100000-sealed-exclusion-zones';
import { OrderExpiryScheduler } from './orders/order-expiry-scheduler';
import { WorklistIndexes1764400200000 } from './migrations/1764400200000-worklist-indexes';
import { BailReturn1764400300000 } from './migrations/1764400300000-bail-return';
import { CaseRiskLevel1764500000000 } from './migrations/1764500000000-case-risk-level';
import { CaseRiskLevel } from './risk-levels/case-risk-level.entity';
import { CaseRiskLevels } from './risk-levels/case-risk-levels.service';
import { AdvocacyConsentStatuses } from './advocacy-status/advocacy-consent.service';
import { AdvocacyConsent1796110000000 } from './migrations/1796110000000-advocacy-consent';
import { Cps1796130000000 } from './migrations/1796130000000-cps';
import { PersonMatchKeysGreek1796221000000 } from './migrations/1796221000000-person-match-keys-greek';
import { ConsultationHistory1796241000000 } from './migrations/1796241000000-consultation-history';
import { CounterAllegations1796251010000 } from './migrations/1796251010000-counter-allegations';
import { CpsAdviceRequest } from './cps/cps-advice-request.entity';
import { CpsChargingDecision } from './cps/cps-charging-decision.entity';
import { CpsController } from './cps/cps.controller';
import { CpsService } from './cps/cps.service';
import { InvestigationMilestone } from './investigation-milestones/investigation-milestone.entity';
import { InvestigationMilestonesController } from './investigation-milestones/investigation-milestones.controller';
import { InvestigationMilestonesService } from './investigation-milestones/investigation-milestones.service';
import { InvestigationMilestones1796201000000 } from './migrations/1796201000000-investigation-milestones';
import { MentalHealthRecommendations } from './consultations/mental-health-recommendations';
import { PartnerAnswers1796120000000 } from './migrations/1796120000000-partner-answers';
import { PartnerCheckAnswer } from './partner-answers/partner-check-answer.entity';
import { PartnerAnswersService } from './partner-answers/partner-answers.service';
import { PartnerIntervention } from './partner-interventions/partner-intervention.entity';
import { PartnerInterventions } from './partner-interventions/partner-interventions.service';

@Module({
  controllers: [ReferralsController, CasesController, CaseAccessController, BreakGlassReviewsController, RestrictedRecordsController, FieldGroupGrantsController, PeopleController, IncidentsController, ScreeningController, AdviceController, LifecycleController, OrdersController, ConsultationsController, WorklistsController, CpsController, InvestigationMilestonesController],
  providers: [
    ReferralsService,
    BreachReferrals,
    CasesService,
    CaseAccessService,
    BreakGlassReviewsService,
    // Restricted records (staff-linked, public figure) and field-group grants.
    RestrictedRecordsService,
    FieldGroupGrantsService,
    // People register and course of conduct; the police's key ring and search key (INTAKE_DATA_KEYS, INTAKE_SEARCH_KEY; DP-02).
    { provide: PersonalDataCipher, useFactory: () => dataKeyFromEnv() },
    PersonRecords,
    PeopleService,
    // Counter-allegations: the same two people with roles swapped on another case (a link, never a merge).
    CounterAllegations,
    IncidentsService,
    // S-TAC workflow: screening clock (target configurable), screening and triage, advice, lifecycle, orders, consultations, worklists.
    CaseWorkflow,
    { provide: SCREENING_TARGET, useFactory: () => screeningTargetFromEnv() },
    // Deadlines count working days on the England and Wales calendar (the same one risk-assessment uses).
    { provide: WorkingDayCalendar, useValue: ENGLAND_AND_WALES },
    ScreeningClocks,
    ScreeningService,
    AdviceService,
    LifecycleService,
    OrdersService,
    OrderExpiryScheduler,
    ConsultationsService,
    WorklistsService,
    // The case's shared risk level, from risk.level.changed.v1.
    CaseRiskLevels,
    // The victim's consent to advocacy, from advocacy.victim.consent-changed.v1.
    AdvocacyConsentStatuses,
    // Early CPS advice and charging decisions on the police case file.
    CpsService,
    // Investigation milestones that owe the victim an update (interview, bail conditions changed, decision not to investigate).
    InvestigationMilestonesService,
    // Partner agencies' check answers, recommendations and interventions (mental-health events).
    PartnerAnswersService,
    MentalHealthRecommendations,
    PartnerInterventions,
  ],
})
export class IntakeModule {}

export const INTAKE: DomainServiceDefinition = {
  service: 'intake',
  agency: 'police',
  feature: IntakeModule,
  entities: [
    StalkingCase,
    Person,
    CaseParticipant,
    Incident,
    IdempotencyRecord,
    BreakGlassReview,
    DuplicateCandidate,
    // S-TAC workflow (migration 1764400000000)
    ScreeningClock,
    Screening,
    TriageDecision,
    Advice,
    AdviceItem,
    CaseTransition,
    ProtectiveOrder,
    OrderTransition,
    OrderBreach,
    Consultation,
    ConsultationPanelMember,
    ConsultationDecision,
    ConsultationAction,
    ConsultationChangeRecord,
    CaseRiskLevel,
    CpsAdviceRequest,
    CpsChargingDecision,
    InvestigationMilestone,
    PartnerCheckAnswer,
    PartnerIntervention,
  ],
  migrations: [
    IntakeSchema1764201700000,
    BreakGlassReview1764202200000,
    PeopleRegister1764300000000,
    CourseOfConduct1764300100000,
    StacWorkflow1764400000000,
    SealedExclusionZones1764400100000,
    WorklistIndexes1764400200000,
    BailReturn1764400300000,
    CaseRiskLevel1764500000000,
    AdvocacyReferralBasis1764600000000,
    ReferralRoutes1796082666930,
    PersonOtherNames1796082700000,
    AdvocacyConsent1796110000000,
    PartnerAnswers1796120000000,
    Cps1796130000000,
    InvestigationMilestones1796201000000,
    PersonMatchKeysGreek1796221000000,
    ConsultationHistory1796241000000,
    CounterAllegations1796251010000,
    BreakGlassReviewOutcome1796310100000,
  ],
  idempotencyTable: 'idempotency_record',
};
