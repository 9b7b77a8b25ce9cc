import { Controller } from '@nestjs/common';
import {
  EndNamingOnRestrictedCase,
  GetCaseRestriction,
  NameOnRestrictedCase,
  SetCaseRestriction,
  type EndNamingRequest,
  type NamedPersonCommand,
  type NamingEnded,
  type RestrictionCommand,
  type RestrictionQuery,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { RestrictedRecordsService } from './restricted-records.service';

/** Restricted records: who may see a staff-linked or public-figure case. */
@Controller()
export class RestrictedRecordsController {
  constructor(private readonly restricted: RestrictedRecordsService) {}

  @Handles(GetCaseRestriction)
  get(q: RestrictionQuery) {
    return this.restricted.view(q.caseId);
  }

  @Handles(SetCaseRestriction)
  set(cmd: RestrictionCommand, ctx: RequestContext) {
    return this.restricted.set(cmd, ctx);
  }

  @Handles(NameOnRestrictedCase)
  name(cmd: NamedPersonCommand, ctx: RequestContext) {
    return this.restricted.name(cmd, ctx);
  }

  @Handles(EndNamingOnRestrictedCase)
  async endNaming(req: EndNamingRequest, ctx: RequestContext): Promise<NamingEnded> {
    await this.restricted.endNaming(req, ctx);
    return { ended: true };
  }
}
