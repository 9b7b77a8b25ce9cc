import { Controller } from '@nestjs/common';
import { ListDisclosures, ReviewDisclosure, type DisclosureListQuery, type ReviewDisclosureCommand } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { DisclosuresService } from './disclosures.service';

/** The Caldicott guardian's view of the trust's disclosures. */
@Controller()
export class DisclosuresController {
  constructor(private readonly disclosures: DisclosuresService) {}

  @Handles(ListDisclosures)
  list(q: DisclosureListQuery) {
    return this.disclosures.list(q);
  }

  @Handles(ReviewDisclosure)
  review(cmd: ReviewDisclosureCommand, ctx: RequestContext) {
    return this.disclosures.review(cmd, ctx);
  }
}
