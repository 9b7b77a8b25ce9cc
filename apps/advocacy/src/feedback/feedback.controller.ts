import { Controller } from '@nestjs/common';
import { GetFeedbackSummary, SubmitFeedback, type FeedbackCommand, type FeedbackSummaryQuery } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { FeedbackService } from './feedback.service';

@Controller()
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Handles(SubmitFeedback)
  submit(cmd: FeedbackCommand, ctx: RequestContext) {
    return this.feedback.submit(cmd, ctx);
  }

  @Handles(GetFeedbackSummary)
  summary(q: FeedbackSummaryQuery) {
    return this.feedback.summary(q);
  }
}
