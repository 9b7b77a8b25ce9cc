import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CASE_PART, CasePartQuery, type CasePartAnswer, type KnownToServicesCheckPart, type RpcRequest } from '@stac/contracts';
import { parseRpcBody } from '@stac/runtime';
import { KnownToServicesChecksService } from './known-to-services-checks.service';

@Controller()
export class KnownToServicesChecksController {
  constructor(private readonly checks: KnownToServicesChecksService) {}

  @MessagePattern(CASE_PART['mental-health'])
  async casePart(@Payload() req: RpcRequest<unknown>): Promise<CasePartAnswer<KnownToServicesCheckPart>> {
    const { caseId } = await parseRpcBody(CasePartQuery, req.body);
    return this.checks.casePart(caseId);
  }
}
