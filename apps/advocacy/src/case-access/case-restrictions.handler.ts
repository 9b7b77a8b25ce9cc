import { Injectable } from '@nestjs/common';
import { CaseRestrictionChangedV1 } from '@stac/contracts';
import { OnEvent, type EventContext } from '@stac/messaging';
import { CaseRestrictionReplica } from '@stac/runtime';

/**
 * Restricted records (AC-14): intake's restriction of a case to named people (staff-linked, public
 * figure) is kept in this service's own relationship data, so this service answers an unnamed caller
 * 404 on that case exactly like intake does.
 */
@Injectable()
export class CaseRestrictionsHandler {
  constructor(private readonly replica: CaseRestrictionReplica) {}

  @OnEvent(CaseRestrictionChangedV1)
  onRestrictionChanged(event: CaseRestrictionChangedV1, ctx: EventContext): Promise<void> {
    return this.replica.apply(event, ctx);
  }
}
