import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NeedEntry, NeedsAssessmentView, NeedsCommand } from '@stac/contracts';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { lockOffer } from '../victim-support/victim-support-record';

interface NeedsRow {
  id: string;
  sequence: number;
  needs: NeedEntry[];
  assessed_by: string;
  assessed_at: Date;
}

const view = (r: NeedsRow): NeedsAssessmentView => ({
  assessmentId: r.id,
  sequence: r.sequence,
  needs: r.needs,
  assessedBy: r.assessed_by,
  assessedAt: r.assessed_at.toISOString(),
});

/** Needs assessments (domain.md §4): coded needs by area and the agreed response to each; each assessment is kept. */
@Injectable()
export class NeedsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  record(cmd: NeedsCommand, ctx: RequestContext): Promise<NeedsAssessmentView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'advocacy.needs.record', cmd, async () => {
        await lockOffer(m, cmd.caseId);
        const areas = cmd.needs.map((n) => n.area);
        if (new Set(areas).size !== areas.length) {
          throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'needs', message: 'each need area appears once' }] });
        }
        const id = randomUUID();
        const [{ next }] = await m.query(`SELECT coalesce(max(sequence), 0) + 1 AS next FROM needs_assessment WHERE case_id = $1`, [cmd.caseId]);
        const needs = cmd.needs.map((n) => ({ area: n.area, level: n.level, responses: n.responses }));
        await m.query(
          `INSERT INTO needs_assessment (id, case_id, sequence, needs, assessed_by, assessed_at) VALUES ($1, $2, $3, $4, $5, $6)`,
          [id, cmd.caseId, next, JSON.stringify(needs), ctx.principal.subject, this.clock.now()],
        );
        await ctx.audit(m, { recordIds: [cmd.caseId, id] });
        const [row]: NeedsRow[] = await m.query(`SELECT * FROM needs_assessment WHERE id = $1`, [id]);
        return view(row);
      }),
    );
  }

  async list(caseId: string): Promise<NeedsAssessmentView[]> {
    const rows: NeedsRow[] = await this.dataSource.query(`SELECT * FROM needs_assessment WHERE case_id = $1 ORDER BY sequence DESC`, [caseId]);
    return rows.map(view);
  }
}
