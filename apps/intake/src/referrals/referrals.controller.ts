import { Controller } from '@nestjs/common';
import { AttachCrimeReference, CreateReferral, type AttachCrimeReferenceCommand, type ReferralSubmission } from '@stac/contracts';
import { Handles, rpcProblem, type RequestContext } from '@stac/runtime';
import { BreachReferrals } from './breach-referrals.service';
import { ReferralsService } from './referrals.service';

@Controller()
export class ReferralsController {
  constructor(
    private readonly referrals: ReferralsService,
    private readonly breaches: BreachReferrals,
  ) {}

  @Handles(CreateReferral)
  async create(submission: ReferralSubmission, ctx: RequestContext) {
    // A breach on an existing case: the fast path onto that case and order (decided on that case, logged there).
    if (submission.source === 'ORDER_BREACH') return this.breaches.referBreach(submission, ctx);
    if (submission.advocacyOverrideBasis && submission.advocacyReferral !== 'LAWFUL_OVERRIDE') {
      throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
        errors: [{ field: 'advocacyOverrideBasis', message: 'advocacyOverrideBasis is only for a LAWFUL_OVERRIDE advocacy referral' }],
      });
    }
    // Referring without consent is a decision of its own, with its own permission (AC-05).
    if (submission.advocacyReferral === 'LAWFUL_OVERRIDE') await ctx.alsoAuthorize('referral.consent-override', 'disclosure');
    return this.referrals.refer(submission, ctx);
  }

  /** The police attach the crime reference to a partner agency's referral (If-Match: the case version). */
  @Handles(AttachCrimeReference)
  attachCrimeReference(cmd: AttachCrimeReferenceCommand, ctx: RequestContext) {
    return this.referrals.attachCrimeReference(cmd, ctx);
  }
}
