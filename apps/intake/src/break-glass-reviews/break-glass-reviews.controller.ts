import { Controller } from '@nestjs/common';
import {
  CompleteBreakGlassReview,
  ListBreakGlassReviews,
  type BreakGlassReviewQuery,
  type CompleteBreakGlassReviewCommand,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { BreakGlassReviewsService } from './break-glass-reviews.service';

@Controller()
export class BreakGlassReviewsController {
  constructor(private readonly reviews: BreakGlassReviewsService) {}

  @Handles(ListBreakGlassReviews)
  list(q: BreakGlassReviewQuery, ctx: RequestContext) {
    return this.reviews.listOpen(q, ctx);
  }

  @Handles(CompleteBreakGlassReview)
  complete(cmd: CompleteBreakGlassReviewCommand, ctx: RequestContext) {
    return this.reviews.complete(cmd, ctx);
  }
}
