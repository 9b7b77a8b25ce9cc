import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AddPersonToCase,
  ChangePersonRole,
  DecideDuplicate,
  DuplicateCandidateList,
  DuplicateCandidateView,
  PEOPLE,
  PersonAdded,
  PersonRoles,
  PersonSearchQuery,
  PersonSearchResult,
  PersonView,
} from '@stac/contracts';
import { etagOf, IfMatchVersion } from '../edge/if-match';
import { ProblemResponses } from '../edge/problem-responses';
import { Ctx, type RequestContext } from '../edge/request-context';
import { checkedIdempotencyKey, uuidPipe } from '../edge/http-conventions';
import { ServiceClient } from '../edge/service-client';

const PURPOSE = { name: 'X-Purpose-Of-Use', required: true, description: 'investigation | safeguarding | risk-management' };



/**
 * The people register (intake): search before create, people on a case, role changes and duplicate
 * decisions. Names travel in bodies, never in URLs (they would end up in logs).
 */
@ApiTags('people')
@Controller('api/v1')
export class PeopleController {
  constructor(private readonly services: ServiceClient) {}

  @Post('people/search')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Search the people register before adding a person',
    description:
      'Names are matched through keyed hashes of normalised tokens (accents, case, hyphens, transliteration, transposed names, ' +
      'one typing error), never plaintext pattern matching: % and _ are ordinary characters. Each match is graded LIKELY or ' +
      'POSSIBLE with its reasons and lists only the cases the caller may see; a person only on cases the caller may not see ' +
      'is never returned. Audited.',
  })
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: PersonSearchResult })
  @ProblemResponses(400, 401, 403, 429, 503, 504)
  search(@Body() query: PersonSearchQuery, @Ctx() ctx: RequestContext): Promise<PersonSearchResult> {
    return this.services.call<PersonSearchResult>('intake', PEOPLE.search, { ...ctx, body: query });
  }

  @Post('cases/:caseId/people')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add a person to a case',
    description:
      'A new record (`person`) or an existing one found by search (`personId`), as VICTIM, PERSON_OF_CONCERN or PROTECTED_THIRD_PARTY. ' +
      'Identity may be unknown. Names, date of birth, identifiers and a victim\'s contact and location are encrypted at rest (DP-02); ' +
      'contact and location need the victim.contact / victim.location field groups. Possible duplicates are returned as candidates ' +
      'with reasons for a person to confirm or reject; nothing is merged.',
  })
  @ApiHeader(PURPOSE)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe key: same key and body replay the first answer' })
  @ApiCreatedResponse({ type: PersonAdded })
  @ProblemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503, 504)
  async add(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Body() body: AddPersonToCase,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PersonAdded> {
    const added = await this.services.call<PersonAdded>('intake', PEOPLE.add, {
      ...ctx,
      idempotencyKey: checkedIdempotencyKey(idempotencyKey),
      body: { ...body, caseId },
    });
    void reply.header('location', `/api/v1/cases/${caseId}/people/${added.personId}`);
    return added;
  }

  @Get('cases/:caseId/people/:personId')
  @ApiOperation({
    summary: 'A person on a case',
    description:
      'Identity, identifiers, role history on this case and the other cases of the same person (same record or confirmed duplicate) ' +
      'that the caller may see, each case checked on its own. Contact and location only with ?include=victim.contact,victim.location ' +
      'and the matching grants (403 otherwise, never silently left out).',
  })
  @ApiHeader(PURPOSE)
  @ApiQuery({ name: 'include', required: false, description: 'victim.contact, victim.location (comma separated)' })
  @ApiOkResponse({ type: PersonView, headers: { ETag: { description: 'Version for If-Match on role changes', schema: { type: 'string' } } } })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  async get(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('personId', uuidPipe('personId')) personId: string,
    @Query('include') include: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PersonView> {
    const fieldGroups = include ? include.split(',').map((g) => g.trim()).filter(Boolean).slice(0, 10) : undefined;
    const view = await this.services.call<PersonView>('intake', PEOPLE.get, { ...ctx, body: { caseId, personId, ...(fieldGroups ? { fieldGroups } : {}) } });
    void reply.header('etag', etagOf(view.version));
    return view;
  }

  @Put('cases/:caseId/people/:personId/role')
  @ApiOperation({
    summary: "Change a person's role on a case",
    description: 'Ends the current roles now and starts the given one; the history is kept (a counter-allegation, a witness who becomes a victim).',
  })
  @ApiHeader(PURPOSE)
  @ApiHeader({ name: 'If-Match', required: true, description: 'ETag of the person' })
  @ApiOkResponse({ type: PersonRoles })
  @ProblemResponses(400, 401, 403, 404, 409, 412, 428, 429, 503, 504)
  async changeRole(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('personId', uuidPipe('personId')) personId: string,
    @Body() body: ChangePersonRole,
    @IfMatchVersion() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PersonRoles> {
    const roles = await this.services.call<PersonRoles>('intake', PEOPLE.changeRole, { ...ctx, body: { ...body, caseId, personId, version } });
    void reply.header('etag', etagOf(roles.version));
    return roles;
  }

  @Get('cases/:caseId/duplicate-candidates')
  @ApiOperation({
    summary: 'Possible duplicates of the people on a case',
    description:
      'Each with its grade (LIKELY / POSSIBLE), reasons in codes and words, status and the other record\'s cases the caller may see. ' +
      'A candidate whose other record is only on cases the caller may not see is not listed.',
  })
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: DuplicateCandidateList })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  listDuplicates(@Param('caseId', uuidPipe('caseId')) caseId: string, @Ctx() ctx: RequestContext): Promise<DuplicateCandidateList> {
    return this.services.call<DuplicateCandidateList>('intake', PEOPLE.listDuplicates, { ...ctx, body: { caseId } });
  }

  @Post('cases/:caseId/duplicate-candidates/:candidateId/decision')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm or reject a possible duplicate',
    description: 'CONFIRMED links the two records as one person (their cases become linked cases); REJECTED is never proposed again. Never a silent merge.',
  })
  @ApiHeader(PURPOSE)
  @ApiHeader({ name: 'If-Match', required: true, description: 'ETag (version) of the candidate' })
  @ApiBody({ type: DecideDuplicate })
  @ApiOkResponse({ type: DuplicateCandidateView })
  @ProblemResponses(400, 401, 403, 404, 409, 412, 428, 429, 503, 504)
  async decide(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('candidateId', uuidPipe('candidateId')) candidateId: string,
    @Body() body: DecideDuplicate,
    @IfMatchVersion() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DuplicateCandidateView> {
    const decided = await this.services.call<DuplicateCandidateView>('intake', PEOPLE.decideDuplicate, {
      ...ctx,
      body: { ...body, caseId, candidateId, version },
    });
    void reply.header('etag', etagOf(decided.version));
    return decided;
  }
}
