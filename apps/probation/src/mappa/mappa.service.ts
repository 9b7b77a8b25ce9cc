import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { MappaLevelSetV1, type MappaCommand, type MappaView } from '@stac/contracts';
import { londonDate } from '@stac/domain';
import { Outbox } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { MappaDecision } from './mappa-decision.entity';

export function mappaView(d: MappaDecision): MappaView {
  return { mappaId: d.id, category: d.category, level: d.level, leadAgency: d.leadAgency, nextReviewDate: d.nextReviewDate, setAt: d.setAt.toISOString() };
}

/** MAPPA (D14): every setting is a new row (the history); the latest is current; `mappa.level-set` each time. */
@Injectable()
export class MappaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  set(cmd: MappaCommand, ctx: RequestContext): Promise<MappaView> {
    return this.dataSource.transaction((m) => ctx.idempotent(m, 'probation.mappa.set', cmd, async () => {
      const now = this.clock.now();
      if (Number.isNaN(Date.parse(`${cmd.nextReviewDate}T00:00:00Z`)) || cmd.nextReviewDate <= londonDate(now)) {
        throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'nextReviewDate', message: 'nextReviewDate must be a date after today' }] });
      }
      const d = Object.assign(new MappaDecision(), {
        id: randomUUID(),
        caseId: cmd.caseId,
        category: cmd.category,
        level: cmd.level,
        leadAgency: cmd.leadAgency,
        nextReviewDate: cmd.nextReviewDate,
        setBy: ctx.principal.subject,
        setAt: now,
      } satisfies MappaDecision);
      await m.insert(MappaDecision, d);
      const [{ n }]: { n: number }[] = await m.query('SELECT count(*)::int AS n FROM mappa_decision WHERE case_id = $1', [cmd.caseId]);
      await this.outbox.enqueue(
        m,
        MappaLevelSetV1,
        { caseId: cmd.caseId, aggregateVersion: n, additionalInformation: { mappaId: d.id, category: d.category, level: d.level, leadAgency: d.leadAgency, nextReviewDate: d.nextReviewDate } },
        { correlationId: ctx.correlationId, traceparent: ctx.traceparent },
      );
      await ctx.audit(m, { recordIds: [cmd.caseId, d.id] });
      return mappaView(d);
    }));
  }

  async history(caseId: string, m: EntityManager = this.dataSource.manager): Promise<MappaView[]> {
    const rows = await m.find(MappaDecision, { where: { caseId }, order: { setAt: 'ASC' } });
    return rows.map(mappaView);
  }
}
