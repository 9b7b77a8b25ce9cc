import { operation } from '../../operations/operation';
import { CREATE_REFERRAL, ReferralAccepted, ReferralSubmission } from './create-referral';

export const CreateReferral = operation<ReferralSubmission, ReferralAccepted>({
  name: 'referral.create',
  service: 'intake',
  subject: CREATE_REFERRAL,
  request: ReferralSubmission,
  reply: ReferralAccepted,
  action: 'referral.create',
  access: { recordType: 'case', processing: 'collection', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/referrals',
    tag: 'referrals',
    summary: 'Refer a stalking crime to S-TAC',
    description:
      'Creates the case, its people and first incidents, and tells risk-assessment, advocacy, mental-health and probation. ' +
      "The victim's and the person of concern's previous names and aliases (`otherNames`, with their dates) are encrypted and " +
      'searchable like their current names, and matched by duplicate detection. ' +
      'A second referral of the same crime reference returns the existing case (200).',
    purpose: true,
    idempotent: true,
    location: '/cases/:caseId',
    createdFlag: 'created',
    status: 201,
    problems: [400, 403, 422],
  },
});
