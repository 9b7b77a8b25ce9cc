import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CASE_PART, type CasePartAnswer, type KnownToServicesCheckPart, type RpcRequest } from '@stac/contracts';
import { CasePartReader } from '@stac/runtime';
import { KnownToServicesChecksService } from './known-to-services-checks.service';

@Controller()
export class KnownToServicesChecksController {
  constructor(
    private readonly checks: KnownToServicesChecksService,
    private readonly reader: CasePartReader,
  ) {}

  @MessagePattern(CASE_PART['mental-health'])
  casePart(@Payload() req: RpcRequest<unknown>): Promise<CasePartAnswer<KnownToServicesCheckPart>> {
    return this.reader.read(req, { recordType: 'known-to-services-check', load: (caseId) => this.checks.casePart(caseId) });
  }
}
