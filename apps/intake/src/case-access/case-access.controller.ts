import { Controller } from '@nestjs/common';
import {
  EndCaseRelationship,
  ExcludeFromCase,
  GrantCaseRelationship,
  OpenBreakGlass,
  type BreakGlassRequest,
  type ExclusionRequest,
  type RelationshipEnded,
  type RelationshipEndRequest,
  type RelationshipGrantRequest,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { CaseAccessService } from './case-access.service';

@Controller()
export class CaseAccessController {
  constructor(private readonly caseAccess: CaseAccessService) {}

  @Handles(GrantCaseRelationship)
  grant(body: RelationshipGrantRequest, ctx: RequestContext) {
    return this.caseAccess.grant(body, ctx, ctx);
  }

  @Handles(EndCaseRelationship)
  async end(body: RelationshipEndRequest, ctx: RequestContext): Promise<RelationshipEnded> {
    await this.caseAccess.end(body.caseId, body.relationshipId, ctx, ctx);
    return { ended: true };
  }

  @Handles(ExcludeFromCase)
  exclude(body: ExclusionRequest, ctx: RequestContext) {
    return this.caseAccess.exclude(body, ctx, ctx);
  }

  @Handles(OpenBreakGlass)
  breakGlass(body: BreakGlassRequest, ctx: RequestContext) {
    return this.caseAccess.breakGlass(body, ctx, ctx);
  }
}
