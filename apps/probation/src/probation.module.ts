import { Module } from '@nestjs/common';
import type { DomainServiceDefinition } from '@stac/runtime';
import { ProbationSchema1764202100000 } from './migrations/1764202100000-probation-schema';
import { SupervisionCheck } from './supervision-checks/supervision-check.entity';
import { SupervisionChecksController } from './supervision-checks/supervision-checks.controller';
import { SupervisionChecksService } from './supervision-checks/supervision-checks.service';

@Module({
  controllers: [SupervisionChecksController],
  providers: [SupervisionChecksService],
})
export class ProbationModule {}

export const PROBATION: DomainServiceDefinition = {
  service: 'probation',
  agency: 'probation',
  feature: ProbationModule,
  entities: [SupervisionCheck],
  migrations: [ProbationSchema1764202100000],
};
