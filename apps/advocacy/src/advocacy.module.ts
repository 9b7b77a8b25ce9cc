import { Module } from '@nestjs/common';
import type { DomainServiceDefinition } from '@stac/runtime';
import { AdvocacyOffer } from './advocacy-offers/advocacy-offer.entity';
import { AdvocacyOffersController } from './advocacy-offers/advocacy-offers.controller';
import { AdvocacyOffersService } from './advocacy-offers/advocacy-offers.service';
import { AdvocacySchema1764201900000 } from './migrations/1764201900000-advocacy-schema';
import { OfferPriority1764500000000 } from './migrations/1764500000000-offer-priority';
import { CaseRiskLevel1796082100000 } from './migrations/1796082100000-case-risk-level';

@Module({
  controllers: [AdvocacyOffersController],
  providers: [AdvocacyOffersService],
})
export class AdvocacyModule {}

export const ADVOCACY: DomainServiceDefinition = {
  service: 'advocacy',
  agency: 'advocacy',
  feature: AdvocacyModule,
  entities: [AdvocacyOffer],
  migrations: [AdvocacySchema1764201900000, OfferPriority1764500000000, CaseRiskLevel1796082100000],
};
