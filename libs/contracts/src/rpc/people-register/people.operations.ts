import { operation } from '../../operations/operation';
import {
  AddPersonToCase,
  AddOtherNameRequest,
  AddPersonToCaseRequest,
  CaseScoped,
  ChangePersonRole,
  ChangePersonRoleRequest,
  DecideDuplicate,
  DecideDuplicateRequest,
  DuplicateCandidateList,
  DuplicateCandidateView,
  IdentifyPersonRequest,
  OtherName,
  PEOPLE,
  PersonAdded,
  PersonIdentified,
  PersonIdentitySubmission,
  PersonOnCaseQuery,
  PersonOtherNames,
  PersonRoles,
  PersonSearchQuery,
  PersonSearchResult,
  PersonView,
} from './people-register';

const TAG = 'people';

/** A victim's contact and location are field groups of their own: sending them needs the grant (AC-03). */
function victimFieldsCollected(body: Record<string, unknown>): string[] {
  const person = body.person as Record<string, unknown> | undefined;
  return [...(person?.contact ? ['victim.contact'] : []), ...(person?.location ? ['victim.location'] : [])];
}

export const SearchPeople = operation<PersonSearchQuery, PersonSearchResult>({
  name: 'person.search',
  service: 'intake',
  subject: PEOPLE.search,
  request: PersonSearchQuery,
  reply: PersonSearchResult,
  action: 'person.search',
  access: { recordType: 'person', processing: 'consultation', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/people/search',
    tag: TAG,
    summary: 'Search the people register before adding a person',
    description:
      'Names are matched through keyed hashes of normalised tokens (accents, case, hyphens, transliteration, transposed names, ' +
      'one typing error, known given-name variants, previous names), never plaintext pattern matching: % and _ are ordinary characters. ' +
      'Each match is graded LIKELY or POSSIBLE with its reasons and lists only the cases the caller may see; a person only on cases ' +
      'the caller may not see is never returned. Audited.',
    purpose: true,
    problems: [400, 403],
  },
});

export const AddPerson = operation<AddPersonToCaseRequest, PersonAdded>({
  name: 'person.add',
  service: 'intake',
  subject: PEOPLE.add,
  request: AddPersonToCaseRequest,
  reply: PersonAdded,
  action: 'person.add',
  access: { recordType: 'person', processing: 'collection', caseIdField: 'caseId', collects: victimFieldsCollected, loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/people',
    tag: TAG,
    summary: 'Add a person to a case',
    description:
      'A new record (`person`) or an existing one found by search (`personId`), as VICTIM, PERSON_OF_CONCERN or PROTECTED_THIRD_PARTY. ' +
      "Identity may be unknown. Names, date of birth, identifiers and a victim's contact and location are encrypted at rest (DP-02); " +
      'contact and location need the victim.contact / victim.location field groups. Possible duplicates are returned as candidates ' +
      'with reasons for a person to confirm or reject; nothing is merged.',
    body: AddPersonToCase,
    purpose: true,
    idempotent: true,
    location: '/cases/:caseId/people/:personId',
    status: 201,
    problems: [400, 403, 404, 409, 422],
  },
});

export const GetPerson = operation<PersonOnCaseQuery, PersonView>({
  name: 'person.get',
  service: 'intake',
  subject: PEOPLE.get,
  request: PersonOnCaseQuery,
  reply: PersonView,
  action: 'person.read',
  access: { recordType: 'person', processing: 'consultation', caseIdField: 'caseId', fieldGroupsField: 'fieldGroups', loggedBy: 'handler' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/people/:personId',
    tag: TAG,
    summary: 'A person on a case',
    description:
      'Roles on this case with their history, and the other cases of the same person (or of a confirmed duplicate) ' +
      'that the caller may see, each case checked on its own. Contact and location only with ?include=victim.contact,victim.location ' +
      '(and the grant).',
    query: [{ name: 'include', field: 'fieldGroups', type: 'csv', maxItems: 10, description: 'victim.contact, victim.location (comma separated)' }],
    purpose: true,
    etag: true,
    problems: [400, 403, 404],
  },
});

export const ChangePersonRoleOnCase = operation<ChangePersonRoleRequest, PersonRoles>({
  name: 'person.role.change',
  service: 'intake',
  subject: PEOPLE.changeRole,
  request: ChangePersonRoleRequest,
  reply: PersonRoles,
  action: 'person.role.change',
  access: { recordType: 'person', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'PUT',
    path: '/cases/:caseId/people/:personId/role',
    tag: TAG,
    summary: "Change a person's role on a case",
    description: 'Ends the current roles now and starts the given one; the history is kept (a counter-allegation, a witness who becomes a victim).',
    body: ChangePersonRole,
    purpose: true,
    ifMatch: true,
    ifMatchField: 'version',
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const ListDuplicateCandidates = operation<CaseScoped, DuplicateCandidateList>({
  name: 'person.duplicates.list',
  service: 'intake',
  subject: PEOPLE.listDuplicates,
  request: CaseScoped,
  reply: DuplicateCandidateList,
  action: 'person.read',
  access: { recordType: 'person', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/duplicate-candidates',
    tag: TAG,
    summary: 'Possible duplicates of the people on a case',
    description:
      "Each with its grade (LIKELY / POSSIBLE), reasons in codes and words, status and the other record's cases the caller may see. " +
      'A candidate whose other record is only on cases the caller may not see is not listed.',
    purpose: true,
    problems: [400, 403, 404],
  },
});

export const DecideDuplicateCandidate = operation<DecideDuplicateRequest, DuplicateCandidateView>({
  name: 'person.duplicates.decide',
  service: 'intake',
  subject: PEOPLE.decideDuplicate,
  request: DecideDuplicateRequest,
  reply: DuplicateCandidateView,
  action: 'person.match.decide',
  // CONFIRMED combines two records (s62 combination); the handler logs which it was.
  access: { recordType: 'duplicate-candidate', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/duplicate-candidates/:candidateId/decision',
    tag: TAG,
    summary: 'Confirm or reject a possible duplicate',
    description:
      'CONFIRMED links the two records as one person (their cases become linked cases); REJECTED is never proposed again. Never a silent merge.',
    body: DecideDuplicate,
    purpose: true,
    ifMatch: true,
    ifMatchField: 'version',
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const AddPersonOtherName = operation<AddOtherNameRequest, PersonOtherNames>({
  name: 'person.other-name.add',
  service: 'intake',
  subject: PEOPLE.addOtherName,
  request: AddOtherNameRequest,
  reply: PersonOtherNames,
  action: 'person.other-name.add',
  access: { recordType: 'person', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/people/:personId/other-names',
    tag: TAG,
    summary: 'Record a previous name or alias of a person',
    description:
      'A maiden name, a name before a deed poll, a previous name or an alias, with the dates it was used when known (not in the future, ' +
      'usedFrom on or before usedTo, neither before the date of birth). Encrypted at rest like the current name (DP-02) and indexed by ' +
      'keyed hashes: search and duplicate detection match it like the current name. Possible duplicates newly found through it are ' +
      'returned as candidates for a person to decide; nothing is merged. The same name twice is a 409.',
    body: OtherName,
    purpose: true,
    ifMatch: true,
    ifMatchField: 'version',
    etag: true,
    location: '/cases/:caseId/people/:personId',
    status: 201,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const IdentifyPerson = operation<IdentifyPersonRequest, PersonIdentified>({
  name: 'person.identify',
  service: 'intake',
  subject: PEOPLE.identify,
  request: IdentifyPersonRequest,
  reply: PersonIdentified,
  action: 'person.identify',
  access: { recordType: 'person', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'PUT',
    path: '/cases/:caseId/people/:personId/identity',
    tag: TAG,
    summary: 'Name a person recorded with identity unknown (an unknown suspect identified later)',
    description:
      'A given name, a family name or both, the date of birth when known (not in the future), identifiers and previous names or ' +
      'aliases. Encrypted at rest and keyed for search like every name (DP-02). Duplicate detection runs at once: possible duplicates ' +
      'are returned and stored as candidates for a person to decide, never merged; a counter-allegation (the same two people with ' +
      'roles swapped on another case) is recorded. A person of concern is checked by the partner agencies again ' +
      '(intake.person.check-requested). A person whose identity is known already is 409 identity-already-known.',
    body: PersonIdentitySubmission,
    purpose: true,
    ifMatch: true,
    ifMatchField: 'version',
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const PEOPLE_OPERATIONS = [
  IdentifyPerson,
  SearchPeople,
  AddPerson,
  GetPerson,
  ChangePersonRoleOnCase,
  AddPersonOtherName,
  ListDuplicateCandidates,
  DecideDuplicateCandidate,
] as const;
