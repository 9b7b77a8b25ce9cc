import { Controller } from '@nestjs/common';
import { ListContacts, RecordContact, type ContactCommand, type ContactListQuery } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { ContactsService } from './contacts.service';

/** The contact log. */
@Controller()
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Handles(RecordContact)
  record(cmd: ContactCommand, ctx: RequestContext) {
    return this.contacts.record(cmd, ctx);
  }

  @Handles(ListContacts)
  list(q: ContactListQuery, ctx: RequestContext) {
    return this.contacts.list(q.caseId, ctx);
  }
}
