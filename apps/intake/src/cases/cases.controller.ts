import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CASE_PART, type CasePartAnswer, type IntakeCasePart, type RpcRequest } from '@stac/contracts';
import { CasePartReader } from '@stac/runtime';
import { CasesService } from './cases.service';

@Controller()
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly reader: CasePartReader,
  ) {}

  /** The intake part of the case view; names only for the owning police team, never for a share (AC-03). */
  @MessagePattern(CASE_PART.intake)
  casePart(@Payload() req: RpcRequest<unknown>): Promise<CasePartAnswer<IntakeCasePart>> {
    return this.reader.read(req, {
      recordType: 'case',
      load: (caseId, granted, logged) => this.cases.casePart(caseId, { withNames: granted.owning, viewer: granted }, logged),
      recordIds: (part) => [...part.people.map((p) => p.personId), ...(part.counterAllegations ?? []).map((l) => l.otherCaseId)],
    });
  }
}
