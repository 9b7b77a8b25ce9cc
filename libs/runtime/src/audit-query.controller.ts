import { Controller, type Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { AccessControl, AccessLog } from '@stac/auth';
import { AUDIT_QUERY, AuditQuery, problem, ProblemException, type AuditEntry, type AuditPage, type RpcRequest } from '@stac/contracts';
import type { Agency } from '@stac/domain';
import { parseRpcBody } from '@stac/rpc';

const MAX_RANGE_MS = 366 * 24 * 3600 * 1000;

/**
 * The DPO's view of this service's s62 access log (LAW-05): own agency only, bounded time range,
 * cursor paging; the query itself is logged.
 */
export function auditQueryController(service: keyof typeof AUDIT_QUERY, agency: Agency): Type {
  @Controller()
  class AuditQueryController {
    constructor(
      readonly access: AccessControl,
      readonly accessLog: AccessLog,
      readonly dataSource: DataSource,
    ) {}

    @MessagePattern(AUDIT_QUERY[service])
    async query(@Payload() req: RpcRequest<unknown>): Promise<AuditPage> {
      const granted = await this.access.authorize(req, { action: 'audit.read', recordType: 'access-log', operation: 'consultation' });
      const q = await parseRpcBody(AuditQuery, req.body);
      if (granted.principal.agency !== agency) {
        // LAW-03: the refusal is itself a logged access decision, in the log that was asked for.
        await this.accessLog.record(this.dataSource, {
          operation: 'consultation',
          action: 'audit.read',
          principal: granted.principal,
          recordType: 'access-log',
          recordIds: q.recordId ? [q.recordId] : [],
          fieldGroups: [],
          purpose: granted.purpose,
          recipients: [],
          decision: { allow: false, rule: 'audit.read', reason: 'agency' },
          correlationId: req.correlationId,
        });
        throw new ProblemException(problem(403, 'forbidden', `The ${service} access log belongs to ${agency}`));
      }
      const from = new Date(q.from);
      const to = new Date(q.to);
      if (!(from < to) || to.getTime() - from.getTime() > MAX_RANGE_MS) {
        throw new ProblemException(problem(400, 'invalid-range', 'from must be before to, at most a year apart'));
      }
      const limit = q.limit ?? 200;
      const rows: Record<string, unknown>[] = await this.dataSource.query(
        `SELECT seq::text, id, occurred_at, operation, action, actor_issuer, actor_subject, actor_agency, actor_roles,
                record_type, record_ids, field_groups, purpose, justification, legal_basis, recipients, decision, rule,
                reason, correlation_id
           FROM access_log
          WHERE occurred_at >= $1 AND occurred_at < $2
            AND ($3::text IS NULL OR record_ids @> ARRAY[$3::text])
            AND access_log.seq > $4::bigint
          ORDER BY access_log.seq LIMIT $5`,
        [from, to, q.recordId ?? null, q.after ?? '0', limit + 1],
      );
      // LAW-05: reading the log is itself logged.
      await this.accessLog.record(this.dataSource, {
        operation: 'consultation',
        action: 'audit.read',
        principal: granted.principal,
        recordType: 'access-log',
        recordIds: q.recordId ? [q.recordId] : [],
        fieldGroups: [],
        purpose: granted.purpose,
        recipients: [granted.principal.agency],
        decision: granted.decision,
        correlationId: req.correlationId,
      });
      const page = rows.slice(0, limit);
      return {
        entries: page.map(toEntry),
        nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null,
      };
    }
  }
  return AuditQueryController;
}

function toEntry(r: Record<string, unknown>): AuditEntry {
  return {
    id: String(r.id),
    seq: String(r.seq),
    occurredAt: (r.occurred_at as Date).toISOString(),
    operation: String(r.operation),
    action: String(r.action),
    actor: {
      issuer: String(r.actor_issuer),
      subject: String(r.actor_subject),
      agency: String(r.actor_agency),
      roles: r.actor_roles as string[],
    },
    recordType: String(r.record_type),
    recordIds: r.record_ids as string[],
    fieldGroups: r.field_groups as string[],
    purpose: (r.purpose as string | null) ?? null,
    justification: (r.justification as string | null) ?? null,
    legalBasis: (r.legal_basis as string | null) ?? null,
    recipients: r.recipients as string[],
    decision: String(r.decision),
    rule: String(r.rule),
    reason: (r.reason as string | null) ?? null,
    correlationId: String(r.correlation_id),
  };
}
