import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CASE_PART, CasePartQuery, type CasePartAnswer, type IntakeCasePart, type RpcRequest } from '@stac/contracts';
import { parseRpcBody } from '@stac/runtime';
import { CasesService } from './cases.service';

@Controller()
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @MessagePattern(CASE_PART.intake)
  async casePart(@Payload() req: RpcRequest<unknown>): Promise<CasePartAnswer<IntakeCasePart>> {
    const { caseId } = await parseRpcBody(CasePartQuery, req.body);
    return this.cases.casePart(caseId);
  }
}
