import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessLog, CASE_NOT_FOUND, FieldGroupGrants, type FieldGroupGrant } from '@stac/auth';
import {
  ProblemException,
  type FieldGroupGrantCommand,
  type FieldGroupGrantList,
  type FieldGroupGrantView,
  type FieldGroupRevocationCommand,
} from '@stac/contracts';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';

/** A grant ends by itself at most this long after it is made (design choice: reviewed at least yearly). */
export const MAX_FIELD_GROUP_GRANT_MS = 366 * 24 * 60 * 60 * 1000;

const invalid = (field: string, message: string) => rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field, message }] });

/**
 * Field-group grants through the API (AC-03): the owning team's leads grant a field group on a case to a
 * named user or an agency's team, with a reason and an end date, and revoke it with a reason. A grant adds
 * the group to the holder's relationship from their next request on (the decision reads grants in force
 * every time, AC-12); every grant and revocation is in the access log with its reason.
 */
@Injectable()
export class FieldGroupGrantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: FieldGroupGrants,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
  ) {}

  grant(cmd: FieldGroupGrantCommand, ctx: RequestContext): Promise<FieldGroupGrantView> {
    const now = this.clock.now();
    const validTo = new Date(cmd.validTo);
    if (validTo.getTime() <= now.getTime()) throw invalid('validTo', 'validTo must be in the future');
    if (validTo.getTime() - now.getTime() > MAX_FIELD_GROUP_GRANT_MS) throw invalid('validTo', 'validTo must be at most a year ahead');
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'case.field-group.grant', cmd, async () => {
        await this.lockCase(m, cmd.caseId);
        const holder = { caseId: cmd.caseId, fieldGroup: cmd.fieldGroup, agency: cmd.agency, subject: cmd.subject ?? null, issuer: cmd.subject ? cmd.issuer : null };
        if (await this.grants.inForce(m, holder)) {
          throw rpcProblem(409, 'field-group-already-granted', `${cmd.fieldGroup} is already granted to this holder on the case; revoke it first to change it`);
        }
        const g = await this.grants.grant(m, { ...holder, reason: cmd.reason, validTo, createdBy: `${ctx.principal.issuer}#${ctx.principal.subject}` });
        await this.audit(m, ctx, 'case.field-group.grant', g, cmd.reason);
        return viewOf(g, now);
      }),
    );
  }

  revoke(cmd: FieldGroupRevocationCommand, ctx: RequestContext): Promise<FieldGroupGrantView> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      await this.lockCase(m, cmd.caseId);
      const g = await this.grants.lockOne(m, cmd.caseId, cmd.grantId);
      if (!g) throw rpcProblem(404, 'field-group-grant-not-found', 'No such field-group grant on this case');
      const status = statusOf(g, now);
      if (status !== 'IN_FORCE') {
        throw rpcProblem(409, 'illegal-transition', `Cannot move the field-group grant from ${status} to REVOKED`, {
          detail: `field-group grant: ${status} -> REVOKED is not a permitted transition`,
        });
      }
      const revoked = await this.grants.revoke(m, g.grantId, `${ctx.principal.issuer}#${ctx.principal.subject}`, cmd.reason);
      await this.audit(m, ctx, 'case.field-group.revoke', revoked, cmd.reason);
      return viewOf(revoked, now);
    });
  }

  async list(caseId: string): Promise<FieldGroupGrantList> {
    const m = this.dataSource.manager;
    const exists: unknown[] = await m.query(`SELECT 1 FROM stalking_case WHERE id = $1`, [caseId]);
    if (!exists.length) throw new ProblemException(CASE_NOT_FOUND);
    const now = this.clock.now();
    return { grants: (await this.grants.forCase(m, caseId)).map((g) => viewOf(g, now)) };
  }

  private async lockCase(m: EntityManager, caseId: string): Promise<void> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM stalking_case WHERE id = $1 FOR UPDATE`, [caseId]);
    if (!rows.length) throw new ProblemException(CASE_NOT_FOUND);
  }

  private audit(m: EntityManager, ctx: RequestContext, action: string, g: FieldGroupGrant, reason: string) {
    return this.accessLog.append(m, {
      operation: 'alteration',
      action,
      principal: ctx.principal,
      recordType: 'field-group-grant',
      recordIds: [g.caseId, g.grantId],
      // The group whose access changes (never its data).
      fieldGroups: [g.fieldGroup],
      purpose: ctx.purpose,
      justification: reason,
      recipients: [g.agency],
      decision: ctx.decision,
      correlationId: ctx.correlationId,
    });
  }
}

function statusOf(g: FieldGroupGrant, now: Date): FieldGroupGrantView['status'] {
  if (g.revokedAt) return 'REVOKED';
  return g.validTo.getTime() <= now.getTime() ? 'ENDED' : 'IN_FORCE';
}

function viewOf(g: FieldGroupGrant, now: Date): FieldGroupGrantView {
  return {
    grantId: g.grantId,
    caseId: g.caseId,
    fieldGroup: g.fieldGroup,
    agency: g.agency,
    subject: g.subject,
    issuer: g.issuer,
    reason: g.reason,
    validFrom: g.validFrom.toISOString(),
    validTo: g.validTo.toISOString(),
    grantedBy: g.createdBy,
    revokedAt: g.revokedAt?.toISOString() ?? null,
    revokedBy: g.revokedBy,
    revokedReason: g.revokedReason,
    status: statusOf(g, now),
  };
}
