import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CASE_PART, type AdvocacyOfferPart, type CasePartAnswer, type RpcRequest } from '@stac/contracts';
import { CasePartReader } from '@stac/runtime';
import { AdvocacyOffersService } from './advocacy-offers.service';

@Controller()
export class AdvocacyOffersController {
  constructor(
    private readonly offers: AdvocacyOffersService,
    private readonly reader: CasePartReader,
  ) {}

  @MessagePattern(CASE_PART.advocacy)
  casePart(@Payload() req: RpcRequest<unknown>): Promise<CasePartAnswer<AdvocacyOfferPart>> {
    return this.reader.read(req, {
      recordType: 'advocacy-offer',
      load: (caseId, granted, logged) => this.offers.casePart(caseId, { owning: granted.owning, agency: granted.principal.agency }, logged),
    });
  }
}
