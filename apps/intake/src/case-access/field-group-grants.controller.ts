import { Controller } from '@nestjs/common';
import {
  GrantFieldGroup,
  ListFieldGroupGrants,
  RevokeFieldGroup,
  type FieldGroupGrantCommand,
  type FieldGroupGrantsQuery,
  type FieldGroupRevocationCommand,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { FieldGroupGrantsService } from './field-group-grants.service';

/** Field-group grants and revocations on a case (AC-03), by the owning team's leads. */
@Controller()
export class FieldGroupGrantsController {
  constructor(private readonly grants: FieldGroupGrantsService) {}

  @Handles(GrantFieldGroup)
  grant(cmd: FieldGroupGrantCommand, ctx: RequestContext) {
    return this.grants.grant(cmd, ctx);
  }

  @Handles(RevokeFieldGroup)
  revoke(cmd: FieldGroupRevocationCommand, ctx: RequestContext) {
    return this.grants.revoke(cmd, ctx);
  }

  @Handles(ListFieldGroupGrants)
  list(q: FieldGroupGrantsQuery) {
    return this.grants.list(q.caseId);
  }
}
