import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AccessControl } from '@stac/auth';
import {
  BreakGlassRequest,
  END_CASE_RELATIONSHIP,
  EXCLUDE_FROM_CASE,
  ExclusionRequest,
  GRANT_CASE_RELATIONSHIP,
  OPEN_BREAK_GLASS,
  RelationshipEndRequest,
  RelationshipGrantRequest,
  type RelationshipGranted,
  type RpcRequest,
} from '@stac/contracts';
import { parseRpcBody } from '@stac/runtime';
import { CaseAccessService } from './case-access.service';

@Controller()
export class CaseAccessController {
  constructor(
    private readonly caseAccess: CaseAccessService,
    private readonly access: AccessControl,
  ) {}

  private async manage(req: RpcRequest<unknown>, caseId: string) {
    return this.access.authorize(req, { action: 'case.relationship.manage', caseId, recordType: 'case-relationship', operation: 'alteration' });
  }

  @MessagePattern(GRANT_CASE_RELATIONSHIP)
  async grant(@Payload() req: RpcRequest<unknown>): Promise<RelationshipGranted> {
    const body = await parseRpcBody(RelationshipGrantRequest, req.body);
    return this.caseAccess.grant(body, await this.manage(req, body.caseId), req);
  }

  @MessagePattern(END_CASE_RELATIONSHIP)
  async end(@Payload() req: RpcRequest<unknown>): Promise<{ ended: true }> {
    const body = await parseRpcBody(RelationshipEndRequest, req.body);
    await this.caseAccess.end(body.caseId, body.relationshipId, await this.manage(req, body.caseId), req);
    return { ended: true };
  }

  @MessagePattern(EXCLUDE_FROM_CASE)
  async exclude(@Payload() req: RpcRequest<unknown>): Promise<{ exclusionId: string }> {
    const body = await parseRpcBody(ExclusionRequest, req.body);
    return this.caseAccess.exclude(body, await this.manage(req, body.caseId), req);
  }

  @MessagePattern(OPEN_BREAK_GLASS)
  async breakGlass(@Payload() req: RpcRequest<unknown>): Promise<RelationshipGranted> {
    const body = await parseRpcBody(BreakGlassRequest, req.body);
    const granted = await this.access.authorize(req, {
      action: 'case.break-glass',
      recordType: 'case-relationship',
      recordIds: [body.caseId],
      operation: 'alteration',
    });
    return this.caseAccess.breakGlass(body, granted, req);
  }
}
