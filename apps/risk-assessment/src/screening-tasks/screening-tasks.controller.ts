import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CASE_PART, type CasePartAnswer, type RpcRequest, type ScreeningTaskPart } from '@stac/contracts';
import { CasePartReader } from '@stac/runtime';
import { ScreeningTasksService } from './screening-tasks.service';

@Controller()
export class ScreeningTasksController {
  constructor(
    private readonly tasks: ScreeningTasksService,
    private readonly reader: CasePartReader,
  ) {}

  @MessagePattern(CASE_PART['risk-assessment'])
  casePart(@Payload() req: RpcRequest<unknown>): Promise<CasePartAnswer<ScreeningTaskPart>> {
    return this.reader.read(req, this.tasks.partRead);
  }
}
