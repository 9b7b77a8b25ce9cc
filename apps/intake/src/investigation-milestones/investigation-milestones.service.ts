import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  InvestigationMilestoneRecordedV1,
  type InvestigationMilestoneCommand,
  type InvestigationMilestoneListView,
  type InvestigationMilestoneView,
} from '@stac/contracts';
import { MILESTONE_STAGES, MILESTONES_NEEDING_REASON } from '@stac/domain';
import { Outbox } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { actorOf, CaseWorkflow, eventHeaders } from '../lifecycle/case-workflow';
import { InvestigationMilestone } from './investigation-milestone.entity';

/** A clock skew allowance: a milestone "now" from a client a little ahead is not "in the future". */
const SKEW_MS = 5 * 60_000;

function invalid(field: string, message: string) {
  return rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field, message }] });
}

function view(r: InvestigationMilestone): InvestigationMilestoneView {
  return {
    milestoneId: r.id,
    caseId: r.caseId,
    milestone: r.milestone,
    occurredAt: r.occurredAt.toISOString(),
    cjStage: r.cjStage,
    reason: r.reason,
    recordedBy: r.recordedBy,
    recordedAt: r.recordedAt.toISOString(),
  };
}

/**
 * Investigation milestones (domain.md §4, §6.3): things that happen in the investigation without moving
 * the criminal-justice stage but that the victim must be told about under the Victims' Code. Each is kept
 * (append-only, with the stage it happened at) and announced as a thin
 * `intake.investigation.milestone-recorded.v1`, from which advocacy opens the update obligation.
 * A milestone that cannot happen at the case's stage is 409 naming both.
 */
@Injectable()
export class InvestigationMilestonesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: CaseWorkflow,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  record(cmd: InvestigationMilestoneCommand, ctx: RequestContext): Promise<InvestigationMilestoneView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'investigation.milestone.record', cmd, async () => {
        const now = this.clock.now();
        const occurredAt = new Date(cmd.occurredAt);
        if (occurredAt.getTime() > now.getTime() + SKEW_MS) throw invalid('occurredAt', 'occurredAt cannot be in the future');
        if (MILESTONES_NEEDING_REASON.includes(cmd.milestone) && !cmd.reason) {
          throw invalid('reason', `reason is required for ${cmd.milestone} (decisions not taken are recorded with reasons)`);
        }
        const c = await this.workflow.lockCase(m, cmd.caseId);
        if (c.status === 'CLOSED') throw rpcProblem(409, 'case-closed', 'A milestone cannot be recorded on a closed case; re-open it first');
        if (!MILESTONE_STAGES[cmd.milestone].includes(c.cjStage)) {
          throw rpcProblem(409, 'milestone-not-at-stage', `${cmd.milestone} cannot be recorded while the criminal-justice stage is ${c.cjStage}`, {
            detail: `${cmd.milestone} is recorded at ${MILESTONE_STAGES[cmd.milestone].join(', ')}; the case is at ${c.cjStage}`,
          });
        }
        const r = Object.assign(new InvestigationMilestone(), {
          id: randomUUID(),
          caseId: c.id,
          milestone: cmd.milestone,
          occurredAt,
          cjStage: c.cjStage,
          reason: cmd.reason ?? null,
          recordedBy: actorOf(ctx),
          recordedAt: now,
        } satisfies InvestigationMilestone);
        await m.insert(InvestigationMilestone, r);
        await this.outbox.enqueue(
          m,
          InvestigationMilestoneRecordedV1,
          { caseId: c.id, aggregateVersion: c.version, additionalInformation: { milestoneId: r.id, milestone: r.milestone, occurredAt: occurredAt.toISOString() } },
          eventHeaders(ctx),
        );
        await ctx.audit(m, { recordIds: [c.id, r.id] });
        return view(r);
      }),
    );
  }

  async list(caseId: string): Promise<InvestigationMilestoneListView> {
    const rows = await this.dataSource.manager.find(InvestigationMilestone, { where: { caseId }, order: { occurredAt: 'ASC', recordedAt: 'ASC' } });
    return { caseId, milestones: rows.map(view) };
  }
}
