import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CASE_PART, CasePartQuery, type CasePartAnswer, type KnownToServicesCheckPart, type RpcRequest } from '@stac/contracts';
import { parseRpcBody } from '@stac/runtime';
import { SupervisionChecksService } from './supervision-checks.service';

@Controller()
export class SupervisionChecksController {
  constructor(private readonly checks: SupervisionChecksService) {}

  @MessagePattern(CASE_PART.probation)
  async casePart(@Payload() req: RpcRequest<unknown>): Promise<CasePartAnswer<KnownToServicesCheckPart>> {
    const { caseId } = await parseRpcBody(CasePartQuery, req.body);
    return this.checks.casePart(caseId);
  }
}
