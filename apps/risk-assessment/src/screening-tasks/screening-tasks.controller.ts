import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CASE_PART, CasePartQuery, type CasePartAnswer, type RpcRequest, type ScreeningTaskPart } from '@stac/contracts';
import { parseRpcBody } from '@stac/runtime';
import { ScreeningTasksService } from './screening-tasks.service';

@Controller()
export class ScreeningTasksController {
  constructor(private readonly tasks: ScreeningTasksService) {}

  @MessagePattern(CASE_PART['risk-assessment'])
  async casePart(@Payload() req: RpcRequest<unknown>): Promise<CasePartAnswer<ScreeningTaskPart>> {
    const { caseId } = await parseRpcBody(CasePartQuery, req.body);
    return this.tasks.casePart(caseId);
  }
}
