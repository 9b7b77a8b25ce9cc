import { Module } from '@nestjs/common';
import type { DomainServiceDefinition } from '@stac/runtime';
import { BreakGlassReview } from './case-access/break-glass-review.entity';
import { CaseAccessController } from './case-access/case-access.controller';
import { CaseAccessService } from './case-access/case-access.service';
import { CaseParticipant } from './cases/case-participant.entity';
import { CasesController } from './cases/cases.controller';
import { CasesService } from './cases/cases.service';
import { Incident } from './cases/incident.entity';
import { Person } from './cases/person.entity';
import { StalkingCase } from './cases/stalking-case.entity';
import { IntakeSchema1764201700000 } from './migrations/1764201700000-intake-schema';
import { BreakGlassReview1764202200000 } from './migrations/1764202200000-break-glass-review';
import { IdempotencyRecord } from './referrals/idempotency-record.entity';
import { ReferralsController } from './referrals/referrals.controller';
import { ReferralsService } from './referrals/referrals.service';

@Module({
  controllers: [ReferralsController, CasesController, CaseAccessController],
  providers: [ReferralsService, CasesService, CaseAccessService],
})
export class IntakeModule {}

export const INTAKE: DomainServiceDefinition = {
  service: 'intake',
  agency: 'police',
  feature: IntakeModule,
  entities: [StalkingCase, Person, CaseParticipant, Incident, IdempotencyRecord, BreakGlassReview],
  migrations: [IntakeSchema1764201700000, BreakGlassReview1764202200000],
};
