import { Module } from '@nestjs/common';
import type { DomainServiceDefinition } from '@stac/runtime';
import { KnownToServicesCheck } from './known-to-services-checks/known-to-services-check.entity';
import { KnownToServicesChecksController } from './known-to-services-checks/known-to-services-checks.controller';
import { KnownToServicesChecksService } from './known-to-services-checks/known-to-services-checks.service';
import { knownToServicesChecksProvider } from './known-to-services-checks/known-to-services-checks';
import { PartnerChecks1764700000000 } from './migrations/1764700000000-partner-checks';
import { MentalHealthSchema1764202000000 } from './migrations/1764202000000-mental-health-schema';

@Module({
  controllers: [KnownToServicesChecksController],
  providers: [knownToServicesChecksProvider, KnownToServicesChecksService],
})
export class MentalHealthModule {}

export const MENTAL_HEALTH: DomainServiceDefinition = {
  service: 'mental-health',
  agency: 'mental-health',
  feature: MentalHealthModule,
  entities: [KnownToServicesCheck],
  migrations: [MentalHealthSchema1764202000000, PartnerChecks1764700000000],
};
