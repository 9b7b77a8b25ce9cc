import { Controller } from '@nestjs/common';
import {
  AddPerson,
  AddPersonOtherName,
  ChangePersonRoleOnCase,
  DecideDuplicateCandidate,
  GetPerson,
  IdentifyPerson,
  ListDuplicateCandidates,
  SearchPeople,
  type AddOtherNameRequest,
  type AddPersonToCaseRequest,
  type CaseScoped,
  type ChangePersonRoleRequest,
  type DecideDuplicateRequest,
  type IdentifyPersonRequest,
  type PersonOnCaseQuery,
  type PersonSearchQuery,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { PeopleService } from './people.service';

/** The people register. */
@Controller()
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Handles(SearchPeople)
  search(q: PersonSearchQuery, ctx: RequestContext) {
    return this.people.search(q, ctx);
  }

  @Handles(AddPerson)
  add(body: AddPersonToCaseRequest, ctx: RequestContext) {
    return this.people.add(body, ctx);
  }

  @Handles(GetPerson)
  get(q: PersonOnCaseQuery, ctx: RequestContext) {
    return this.people.get(q, ctx);
  }

  @Handles(ChangePersonRoleOnCase)
  changeRole(body: ChangePersonRoleRequest, ctx: RequestContext) {
    return this.people.changeRole(body, ctx);
  }

  @Handles(AddPersonOtherName)
  addOtherName(body: AddOtherNameRequest, ctx: RequestContext) {
    return this.people.addOtherName(body, ctx);
  }

  @Handles(IdentifyPerson)
  identify(body: IdentifyPersonRequest, ctx: RequestContext) {
    return this.people.identify(body, ctx);
  }

  @Handles(ListDuplicateCandidates)
  listDuplicates(q: CaseScoped, ctx: RequestContext) {
    return this.people.listDuplicates(q, ctx);
  }

  @Handles(DecideDuplicateCandidate)
  decideDuplicate(body: DecideDuplicateRequest, ctx: RequestContext) {
    return this.people.decideDuplicate(body, ctx);
  }
}
