import { operation } from '../../operations/operation';
import {
  ATTACH_CRIME_REFERENCE,
  AttachCrimeReferenceCommand,
  CREATE_REFERRAL,
  CrimeReferenceAttached,
  CrimeReferenceSubmission,
  ReferralAccepted,
  ReferralSubmission,
} from './create-referral';

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

export const AttachCrimeReference = operation<AttachCrimeReferenceCommand, CrimeReferenceAttached>({
  name: 'case.crime-reference.attach',
  service: 'intake',
  subject: ATTACH_CRIME_REFERENCE,
  request: AttachCrimeReferenceCommand,
  reply: CrimeReferenceAttached,
  action: 'case.crime-reference.attach',
  access: { recordType: 'case', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'PUT',
    path: '/cases/:caseId/crime-reference',
    tag: 'referrals',
    summary: "Attach the crime reference to a partner agency's referral once the crime is recorded (police)",
    description:
      'Needs If-Match with the case ETag (the lifecycle view). Attached once: the same reference again answers the same; ' +
      'another reference on a case that has one is 409 `crime-reference-already-attached`, a reference already on another case ' +
      'is 409 `crime-reference-in-use`. A later crime report of the same reference then finds this case.',
    body: CrimeReferenceSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const REFERRAL_OPERATIONS = [CreateReferral, AttachCrimeReference] as const;
