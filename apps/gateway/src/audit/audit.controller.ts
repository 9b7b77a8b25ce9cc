import { Controller, Get, HttpException, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { IsIn, IsOptional } from 'class-validator';
import { AUDIT_QUERY, AuditQuery, problem, type AuditEntry, type AuditPage } from '@stac/contracts';
import { RpcCallError } from '@stac/rpc';
import { ProblemResponses } from '../edge/problem-responses';
import { Ctx, type RequestContext } from '../edge/request-context';
import { ServiceClient } from '../edge/service-client';

class AuditSearch extends AuditQuery {
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

type ServiceAnswer = { service: string; status: 'ok'; nextCursor: string | null } | { service: string; status: 'forbidden' | 'unavailable'; code: string };

const CSV_COLUMNS: [string, (e: AuditEntry & { service: string }) => unknown][] = [
  ['service', (e) => e.service],
  ['occurredAt', (e) => e.occurredAt],
  ['id', (e) => e.id],
  ['operation', (e) => e.operation],
  ['action', (e) => e.action],
  ['actorIssuer', (e) => e.actor.issuer],
  ['actorSubject', (e) => e.actor.subject],
  ['actorAgency', (e) => e.actor.agency],
  ['actorRoles', (e) => e.actor.roles.join(' ')],
  ['recordType', (e) => e.recordType],
  ['recordIds', (e) => e.recordIds.join(' ')],
  ['fieldGroups', (e) => e.fieldGroups.join(' ')],
  ['purpose', (e) => e.purpose],
  ['justification', (e) => e.justification],
  ['legalBasis', (e) => e.legalBasis],
  ['recipients', (e) => e.recipients.join(' ')],
  ['decision', (e) => e.decision],
  ['rule', (e) => e.rule],
  ['reason', (e) => e.reason],
  ['correlationId', (e) => e.correlationId],
];

/** CSV cell: quoted, and formula-leading characters neutralised so an export cannot run in a spreadsheet. */
function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

@ApiTags('audit')
@ApiHeader({ name: 'X-Purpose-Of-Use', required: true, description: 'audit' })
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly services: ServiceClient) {}

  @Get()
  @ApiOperation({
    summary: 'Who accessed what: the s62 access logs, federated across services (LAW-05)',
    description:
      "For the `dpo` role; each service answers for its own log and only to its own agency's DPO. " +
      'The query is itself logged. `format=csv` exports.',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiOkResponse({ description: 'Entries from every service the caller may read, newest last' })
  @ProblemResponses(400, 401, 403, 429)
  async search(@Query() q: AuditSearch, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    // Coarse check at the edge; each service decides again for its own log.
    if (!ctx.roles?.includes('dpo')) throw new HttpException(problem(403, 'forbidden', 'Reading the access log needs the dpo role'), 403);
    const { format, ...query } = q;
    const answers = await Promise.all(
      (Object.keys(AUDIT_QUERY) as (keyof typeof AUDIT_QUERY)[]).map(async (service) => {
        try {
          const page = await this.services.call<AuditPage>(service, AUDIT_QUERY[service], { ...ctx, body: query });
          return { service, page };
        } catch (e) {
          if (e instanceof RpcCallError && e.problem.status === 400) throw e;
          if (e instanceof RpcCallError) {
            return { service, failed: { status: e.problem.status < 500 ? ('forbidden' as const) : ('unavailable' as const), code: e.problem.code } };
          }
          throw e;
        }
      }),
    );
    const entries = answers
      .flatMap((a) => ('page' in a && a.page ? a.page.entries.map((e) => ({ ...e, service: a.service })) : []))
      .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    const services: ServiceAnswer[] = answers.map((a) =>
      'page' in a && a.page ? { service: a.service, status: 'ok', nextCursor: a.page.nextCursor } : { service: a.service, ...a.failed! },
    );
    if (format === 'csv') {
      void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="access-log.csv"');
      return [CSV_COLUMNS.map(([h]) => h).join(','), ...entries.map((e) => CSV_COLUMNS.map(([, f]) => csvCell(f(e))).join(','))].join('\n') + '\n';
    }
    return { entries, services };
  }
}
