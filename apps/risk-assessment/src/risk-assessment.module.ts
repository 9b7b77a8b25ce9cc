import { Module } from '@nestjs/common';
import type { DomainServiceDefinition } from '@stac/runtime';
import { RiskSchema1764201800000 } from './migrations/1764201800000-risk-schema';
import { ScreeningTask } from './screening-tasks/screening-task.entity';
import { ScreeningTasksController } from './screening-tasks/screening-tasks.controller';
import { ScreeningTasksService } from './screening-tasks/screening-tasks.service';

@Module({
  controllers: [ScreeningTasksController],
  providers: [ScreeningTasksService],
})
export class RiskAssessmentModule {}

export const RISK_ASSESSMENT: DomainServiceDefinition = {
  service: 'risk-assessment',
  agency: 'police',
  feature: RiskAssessmentModule,
  entities: [ScreeningTask],
  migrations: [RiskSchema1764201800000],
};
