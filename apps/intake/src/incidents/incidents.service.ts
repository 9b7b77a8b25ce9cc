import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { IncidentRecordedV1, type CaseTimeline, type IncidentRecorded, type RecordIncidentRequest, type TimelineQuery } from '@stac/contracts';
import { ORDER_MADE, pastTimeProblem, type BehaviourCode } from '@stac/domain';
import { Outbox } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { courseOfConductSignals, type ConductIncident } from './course-of-conduct-signals';
import { Incident } from './incident.entity';

const DEFAULT_PAGE = 20;

interface Cursor {
  at: string;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id]), 'utf8').toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof at === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at) &&
      typeof id === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)
    ) {
      return { at, id };
    }
  } catch {
    /* fall through */
  }
  throw rpcProblem(400, 'invalid-cursor', 'cursor must be the nextCursor of a previous page', {
    errors: [{ field: 'cursor', message: 'cursor must be the nextCursor of a previous page' }],
  });
}

/**
 * The course of conduct of a case (domain.md §4 Incident, §6.2): recording a new incident with its event
 * in one transaction, and the timeline with its derived signals.
 */
@Injectable()
export class IncidentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async record(body: RecordIncidentRequest, ctx: RequestContext): Promise<IncidentRecorded> {
    const caseId = body.caseId;
    const now = this.clock.now();
    const occurredAt = new Date(body.occurredAt);
    if (pastTimeProblem('occurredAt', body.occurredAt, now)) {
      throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
        errors: [{ field: 'occurredAt', message: 'occurredAt must be in the past (and after 1900)' }],
      });
    }
    const granted = ctx;
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'incident.record', body, async () => {
        // One incident at a time per case, so the course-of-conduct version (its ordinal) is gap-free.
        await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [`incident:${caseId}`]);
        const id = randomUUID();
        const behaviours = [...new Set(body.behaviours)] as BehaviourCode[];
        const isBreach = behaviours.includes('BREACH');
        await m.query(
          `INSERT INTO incident (id, case_id, occurred_at, behaviours, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)`,
          [id, caseId, occurredAt, behaviours, now, `${granted.principal.issuer}#${granted.principal.subject}`],
        );
        const [{ n }]: { n: number }[] = await m.query('SELECT count(*)::int AS n FROM incident WHERE case_id = $1', [caseId]);
        await this.outbox.enqueue(
          m,
          IncidentRecordedV1,
          {
            caseId,
            aggregateVersion: n,
            detailUrl: `/api/v1/cases/${caseId}/timeline`,
            additionalInformation: { incidentId: id, occurredAt: occurredAt.toISOString(), behaviours, isBreach },
          },
          { correlationId: ctx.correlationId, traceparent: ctx.traceparent },
        );
        await ctx.audit(m, { recordIds: [caseId, id], recipients: ['police'] });
        const signals = courseOfConductSignals(await this.conduct(m, caseId), now, { orderInForceSince: await this.orderInForceSince(m, caseId) });
        return { incidentId: id, caseId, occurredAt: occurredAt.toISOString(), behaviours, isBreach, recordedAt: now.toISOString(), signals };
      }),
    );
  }

  async timeline(q: TimelineQuery, ctx: RequestContext): Promise<CaseTimeline> {
    const caseId = q.caseId;
    const cursor = q.cursor ? decodeCursor(q.cursor) : null;
    const limit = q.limit ?? DEFAULT_PAGE;
    const m = this.dataSource.manager;
    const rows: { id: string; occurred_at: Date; at: string; behaviours: BehaviourCode[]; recorded_at: Date }[] = await m.query(
      `SELECT id, occurred_at, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, behaviours, recorded_at
         FROM incident
        WHERE case_id = $1 ${cursor ? `AND (occurred_at, id) < ($3::timestamptz, $4::uuid)` : ''}
        ORDER BY occurred_at DESC, id DESC
        LIMIT $2`,
      cursor ? [caseId, limit + 1, cursor.at, cursor.id] : [caseId, limit + 1],
    );
    const page = rows.slice(0, limit);
    const all = await this.conduct(m, caseId);
    const timeline: CaseTimeline = {
      caseId,
      incidentCount: all.length,
      items: page.map((r) => ({
        incidentId: r.id,
        occurredAt: r.occurred_at.toISOString(),
        behaviours: r.behaviours,
        isBreach: r.behaviours.includes('BREACH'),
        recordedAt: r.recorded_at.toISOString(),
      })),
      nextCursor: rows.length > limit ? encodeCursor({ at: page[page.length - 1].at, id: page[page.length - 1].id }) : null,
      signals: courseOfConductSignals(all, this.clock.now(), { orderInForceSince: await this.orderInForceSince(m, caseId) }),
    };
    await ctx.audit(this.dataSource, { recordIds: [caseId, ...timeline.items.map((i) => i.incidentId)] });
    return timeline;
  }

  /**
   * The earliest date from which an order made on the case (granted or in force) binds: its effective
   * date, else when it was served or decided. Null when the case has no such order.
   */
  private async orderInForceSince(m: Pick<EntityManager, 'query'>, caseId: string): Promise<Date | null> {
    const [row]: { since: Date | null }[] = await m.query(
      `SELECT min(coalesce(effective_from, served_at, decided_at)) AS since FROM protective_order WHERE case_id = $1 AND status = ANY($2)`,
      [caseId, ORDER_MADE],
    );
    return row?.since ? new Date(row.since) : null;
  }

  private async conduct(m: Pick<EntityManager, 'find'>, caseId: string): Promise<ConductIncident[]> {
    const all = await m.find(Incident, { where: { caseId }, select: { id: true, occurredAt: true, behaviours: true } });
    return all.map((i) => ({ id: i.id, occurredAt: i.occurredAt, behaviours: i.behaviours }));
  }
}
