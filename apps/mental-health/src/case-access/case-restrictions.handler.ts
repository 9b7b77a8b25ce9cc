import { Injectable } from '@nestjs/common';
import { CaseAccessChangedV1, CaseRestrictionChangedV1 } from '@stac/contracts';
import { OnEvent, type EventContext } from '@stac/messaging';
import { CaseAccessReplica, CaseRestrictionReplica } from '@stac/runtime';

/**
 * Restricted records (AC-14): intake's restriction of a case to named people (staff-linked, public
 * figure) is kept in this service's own relationship data, so this service answers an unnamed caller
 * 404 on that case exactly like intake does.
 */
@Injectable()
export class CaseRestrictionsHandler {
  constructor(
    private readonly replica: CaseRestrictionReplica,
    private readonly access: CaseAccessReplica,
  ) {}

  @OnEvent(CaseRestrictionChangedV1)
  onRestrictionChanged(event: CaseRestrictionChangedV1, ctx: EventContext): Promise<void> {
    return this.replica.apply(event, ctx);
  }

  /**
   * Exclusions, assignments, panel seats and break-glass recorded in intake (AC-14): held beside this
   * service's own relationships, so an excluded user gets the 404 of a missing case here too, break-glass
   * reads here read-only until it ends, and an ended relationship is refused on the next request.
   */
  @OnEvent(CaseAccessChangedV1)
  onAccessChanged(event: CaseAccessChangedV1, ctx: EventContext): Promise<void> {
    return this.access.apply(event, ctx);
  }
}
