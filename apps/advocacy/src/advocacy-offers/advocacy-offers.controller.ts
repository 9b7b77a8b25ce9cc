import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CASE_PART, CasePartQuery, type AdvocacyOfferPart, type CasePartAnswer, type RpcRequest } from '@stac/contracts';
import { parseRpcBody } from '@stac/runtime';
import { AdvocacyOffersService } from './advocacy-offers.service';

@Controller()
export class AdvocacyOffersController {
  constructor(private readonly offers: AdvocacyOffersService) {}

  @MessagePattern(CASE_PART.advocacy)
  async casePart(@Payload() req: RpcRequest<unknown>): Promise<CasePartAnswer<AdvocacyOfferPart>> {
    const { caseId } = await parseRpcBody(CasePartQuery, req.body);
    return this.offers.casePart(caseId);
  }
}
