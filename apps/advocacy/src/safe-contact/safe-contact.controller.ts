import { Controller } from '@nestjs/common';
import {
  GetContactPreferences,
  ListCommunications,
  SendCommunication,
  SetContactPreferences,
  type CommunicationCommand,
  type CommunicationListQuery,
  type ContactPreferencesCommand,
  type ContactPreferencesQuery,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { SafeContactService } from './safe-contact.service';

/** Safe contact preferences and the one outbound-communication path. */
@Controller()
export class SafeContactController {
  constructor(private readonly safeContact: SafeContactService) {}

  @Handles(SetContactPreferences)
  set(cmd: ContactPreferencesCommand, ctx: RequestContext) {
    return this.safeContact.setPreferences(cmd, ctx);
  }

  @Handles(GetContactPreferences)
  get(q: ContactPreferencesQuery) {
    return this.safeContact.getPreferences(q.caseId);
  }

  @Handles(SendCommunication)
  send(cmd: CommunicationCommand, ctx: RequestContext) {
    return this.safeContact.send(cmd, ctx);
  }

  @Handles(ListCommunications)
  list(q: CommunicationListQuery) {
    return this.safeContact.list(q.caseId);
  }
}
