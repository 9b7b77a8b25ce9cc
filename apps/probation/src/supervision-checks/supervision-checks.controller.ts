import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CASE_PART, type CasePartAnswer, type ProbationCasePart, type RpcRequest } from '@stac/contracts';
import { CasePartReader } from '@stac/runtime';
import { SupervisionChecksService } from './supervision-checks.service';

@Controller()
export class SupervisionChecksController {
  constructor(
    private readonly checks: SupervisionChecksService,
    private readonly reader: CasePartReader,
  ) {}

  @MessagePattern(CASE_PART.probation)
  casePart(@Payload() req: RpcRequest<unknown>): Promise<CasePartAnswer<ProbationCasePart>> {
    return this.reader.read(req, { recordType: 'supervision-check', load: (caseId, _granted, logged) => this.checks.casePart(caseId, logged) });
  }
}
