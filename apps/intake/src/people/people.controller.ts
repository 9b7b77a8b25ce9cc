import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  PEOPLE,
  type DuplicateCandidateList,
  type DuplicateCandidateView,
  type PersonAdded,
  type PersonRoles,
  type PersonSearchResult,
  type PersonView,
  type RpcRequest,
} from '@stac/contracts';
import { PeopleService } from './people.service';

/** Request/reply handlers of the people register; each authorises, validates and audits in PeopleService. */
@Controller()
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @MessagePattern(PEOPLE.search)
  search(@Payload() req: RpcRequest<unknown>): Promise<PersonSearchResult> {
    return this.people.search(req);
  }

  @MessagePattern(PEOPLE.add)
  add(@Payload() req: RpcRequest<unknown>): Promise<PersonAdded> {
    return this.people.add(req);
  }

  @MessagePattern(PEOPLE.get)
  get(@Payload() req: RpcRequest<unknown>): Promise<PersonView> {
    return this.people.get(req);
  }

  @MessagePattern(PEOPLE.changeRole)
  changeRole(@Payload() req: RpcRequest<unknown>): Promise<PersonRoles> {
    return this.people.changeRole(req);
  }

  @MessagePattern(PEOPLE.listDuplicates)
  listDuplicates(@Payload() req: RpcRequest<unknown>): Promise<DuplicateCandidateList> {
    return this.people.listDuplicates(req);
  }

  @MessagePattern(PEOPLE.decideDuplicate)
  decideDuplicate(@Payload() req: RpcRequest<unknown>): Promise<DuplicateCandidateView> {
    return this.people.decideDuplicate(req);
  }
}
