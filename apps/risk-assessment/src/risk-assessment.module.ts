import { Module } from '@nestjs/common';
import { ENGLAND_AND_WALES, WorkingDayCalendar } from '@stac/domain';
import type { DomainServiceDefinition } from '@stac/runtime';
import { RiskCaseAccess } from './case-access/risk-case-access';
import { RiskCaseViewController } from './case-view/risk-case-view.controller';
import { ConsultationPanels } from './consultation-panels/consultation-panels';
import { InstrumentCatalogue } from './instruments/instrument-catalogue';
import { InstrumentsController } from './instruments/instruments.controller';
import { RiskSchema1764201800000 } from './migrations/1764201800000-risk-schema';
import { InstrumentDefinitions1795743000000 } from './migrations/1795743000000-instrument-definitions';
import { RiskAssessments1795743100000 } from './migrations/1795743100000-risk-assessments';
import { RiskSummaryAgreements1795743200000 } from './migrations/1795743200000-risk-summary-agreements';
import { DashGatewayTasks1796082666920 } from './migrations/1796082666920-dash-gateway-tasks';
import { ConsultationPanels1796242000000 } from './migrations/1796242000000-consultation-panels';
import { SealedRiskRationale1796320000000 } from './migrations/1796320000000-sealed-risk-rationale';
import { ReviewSchedule } from './reviews/review-schedule';
import { WorklistController } from './reviews/worklist.controller';
import { RiskAssessment } from './risk-assessments/risk-assessment.entity';
import { RiskAssessmentsController } from './risk-assessments/risk-assessments.controller';
import { RiskAssessmentsService } from './risk-assessments/risk-assessments.service';
import { RiskRecordCipher, RiskRecordSealing } from './risk-assessments/risk-record-sealing';
import { RiskSummaryController } from './risk-summary/risk-summary.controller';
import { RiskSummaryService } from './risk-summary/risk-summary.service';
import { ScreeningTask } from './screening-tasks/screening-task.entity';
import { ScreeningTasksController } from './screening-tasks/screening-tasks.controller';
import { ScreeningTasksService } from './screening-tasks/screening-tasks.service';
import { VictimSituationTrigger } from './victim-situation/victim-situation-trigger';
import { CaseRestrictionsHandler } from './case-access/case-restrictions.handler';

@Module({
  controllers: [ScreeningTasksController, RiskCaseViewController, InstrumentsController, RiskAssessmentsController, RiskSummaryController, WorklistController],
  providers: [
    // Intake's restriction of a case to named people, replicated (restricted records, AC-14).
    CaseRestrictionsHandler,
    // Deadlines count working days on the England and Wales calendar (the same one intake uses).
    { provide: WorkingDayCalendar, useValue: ENGLAND_AND_WALES },
    RiskCaseAccess,
    // Rationale and formulation sealed under the police's key ring (RISK_ASSESSMENT_DATA_KEYS, DP-02).
    { provide: RiskRecordCipher, useFactory: () => RiskRecordCipher.fromEnv() },
    RiskRecordSealing,
    ScreeningTasksService,
    InstrumentCatalogue,
    RiskSummaryService,
    RiskAssessmentsService,
    ReviewSchedule,
    VictimSituationTrigger,
    ConsultationPanels,
  ],
})
export class RiskAssessmentModule {}

export const RISK_ASSESSMENT: DomainServiceDefinition = {
  service: 'risk-assessment',
  agency: 'police',
  feature: RiskAssessmentModule,
  entities: [ScreeningTask, RiskAssessment],
  migrations: [
    RiskSchema1764201800000,
    InstrumentDefinitions1795743000000,
    RiskAssessments1795743100000,
    RiskSummaryAgreements1795743200000,
    DashGatewayTasks1796082666920,
    ConsultationPanels1796242000000,
    SealedRiskRationale1796320000000,
  ],
  idempotencyTable: 'risk_idempotency_record',
};
