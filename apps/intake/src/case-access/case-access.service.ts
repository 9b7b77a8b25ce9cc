import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessLog, CASE_NOT_FOUND, CaseRelationships, type Authorized } from '@stac/auth';
import {
  BreakGlassOpenedV1,
  ProblemException,
  type BreakGlassRequest,
  type ExclusionRequest,
  type RelationshipGranted,
  type RelationshipGrantRequest,
} from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { Clock } from '@stac/runtime';
import { StalkingCase } from '../cases/stalking-case.entity';
import { BreakGlassReview } from '../break-glass-reviews/break-glass-review.entity';
import { announceCaseAccess } from './case-access-announcement';

/** The kinds this API grants and ends (assignments, panel seats): never the workflow's own (AC-02). */
const MANAGED_KINDS = ['ASSIGNMENT', 'CONSULTATION_PANEL'] as const;

/** Break-glass lasts 30 minutes (AC-06). */
export const BREAK_GLASS_MS = 30 * 60 * 1000;

export interface Tracing {
  correlationId: string;
  traceparent?: string;
}

/**
 * Relationships to a case as workflow data: granted, ended, excluded, broken-glass — each audited (AC-02) and
 * announced to every service (`intake.case.access-changed.v1`, AC-14) in the same transaction.
 */
@Injectable()
export class CaseAccessService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relationships: CaseRelationships,
    private readonly accessLog: AccessLog,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  private actorId(a: Authorized): string {
    return `${a.principal.issuer}#${a.principal.subject}`;
  }

  async grant(r: RelationshipGrantRequest, a: Authorized, t: Tracing): Promise<RelationshipGranted> {
    return this.dataSource.transaction(async (m) => {
      await this.assertCase(m, r.caseId);
      const relationshipId = await this.relationships.grant(m, {
        caseId: r.caseId,
        kind: r.kind,
        agency: r.agency,
        issuer: r.issuer,
        subject: r.subject,
        createdBy: this.actorId(a),
      });
      await this.audit(m, a, t, 'case.relationship.grant', [r.caseId, relationshipId], [r.agency]);
      await announceCaseAccess(m, this.outbox, r.caseId, this.clock.now(), t);
      return { relationshipId, validTo: null };
    });
  }

  /**
   * Ends an assignment or panel seat of THIS case (the one the caller was authorised on): a relationship of
   * another case, or of a kind this API does not manage, is the 404 of a missing one and changes nothing.
   */
  async end(caseId: string, relationshipId: string, a: Authorized, t: Tracing): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const ended = await this.relationships.end(m, caseId, relationshipId, MANAGED_KINDS, this.actorId(a));
      if (!ended) throw new ProblemException(CASE_NOT_FOUND);
      await this.audit(m, a, t, 'case.relationship.end', [caseId, relationshipId], []);
      await announceCaseAccess(m, this.outbox, caseId, this.clock.now(), t);
    });
  }

  async exclude(r: ExclusionRequest, a: Authorized, t: Tracing): Promise<{ exclusionId: string }> {
    return this.dataSource.transaction(async (m) => {
      await this.assertCase(m, r.caseId);
      const exclusionId = await this.relationships.exclude(m, r.caseId, { issuer: r.issuer, subject: r.subject }, this.actorId(a));
      await this.audit(m, a, t, 'case.exclusion.add', [r.caseId, exclusionId], []);
      await announceCaseAccess(m, this.outbox, r.caseId, this.clock.now(), t);
      return { exclusionId };
    });
  }

  /**
   * Emergency read-only access for 30 minutes with a justification; alerts the owning agency's DPO
   * (event) and opens a review task. Exclusions still apply: decide() checks them first. A restricted case
   * the caller is not named on answers 404 here exactly like a missing one (AC-09).
   */
  async breakGlass(r: BreakGlassRequest, a: Authorized, t: Tracing): Promise<RelationshipGranted> {
    // A restricted case does not exist for anyone not named on it: break-glass cannot find it either.
    const resource = await this.relationships.forPrincipal(this.dataSource, r.caseId, a.principal);
    if (resource.restriction && !resource.restriction.named) {
      await this.accessLog.record(this.dataSource, {
        operation: 'alteration',
        action: 'case.break-glass',
        principal: a.principal,
        recordType: 'case-relationship',
        recordIds: [r.caseId],
        fieldGroups: [],
        purpose: a.purpose,
        recipients: [a.principal.agency],
        decision: { allow: false, rule: 'case.break-glass', reason: 'restricted' },
        correlationId: t.correlationId,
      });
      throw new ProblemException(CASE_NOT_FOUND);
    }
    return this.dataSource.transaction(async (m) => {
      const exists = await m.exists(StalkingCase, { where: { id: r.caseId } });
      if (!exists) throw new ProblemException(CASE_NOT_FOUND);
      const now = this.clock.now();
      const validTo = new Date(now.getTime() + BREAK_GLASS_MS);
      const relationshipId = await this.relationships.grant(m, {
        caseId: r.caseId,
        kind: 'BREAK_GLASS',
        agency: a.principal.agency,
        issuer: a.principal.issuer,
        subject: a.principal.subject,
        readOnly: true,
        justification: r.justification,
        validTo,
        createdBy: this.actorId(a),
      });
      const reviewTaskId = randomUUID();
      await m.insert(BreakGlassReview, {
        id: reviewTaskId,
        caseId: r.caseId,
        relationshipId,
        openedBy: this.actorId(a),
        openedAt: now,
        expiresAt: validTo,
        status: 'OPEN',
      });
      await this.outbox.enqueue(
        m,
        BreakGlassOpenedV1,
        {
          caseId: r.caseId,
          aggregateVersion: 1,
          additionalInformation: { relationshipId, reviewTaskId, openedByAgency: a.principal.agency, expiresAt: validTo.toISOString() },
        },
        { correlationId: t.correlationId, traceparent: t.traceparent },
      );
      await announceCaseAccess(m, this.outbox, r.caseId, now, t);
      await this.accessLog.append(m, {
        operation: 'alteration',
        action: 'case.break-glass',
        principal: a.principal,
        recordType: 'case-relationship',
        recordIds: [r.caseId, relationshipId],
        fieldGroups: [],
        purpose: a.purpose,
        justification: r.justification,
        legalBasis: 'break-glass',
        recipients: [a.principal.agency],
        decision: a.decision,
        correlationId: t.correlationId,
      });
      return { relationshipId, validTo: validTo.toISOString() };
    });
  }

  /** Locks the case so its access changes are announced in order; a missing case is the one 404. */
  private async assertCase(m: Parameters<AccessLog['append']>[0], caseId: string): Promise<void> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM stalking_case WHERE id = $1 FOR UPDATE`, [caseId]);
    if (!rows.length) throw new ProblemException(CASE_NOT_FOUND);
  }

  private audit(m: Parameters<AccessLog['append']>[0], a: Authorized, t: Tracing, action: string, recordIds: string[], recipients: string[]) {
    return this.accessLog.append(m, {
      operation: 'alteration',
      action,
      principal: a.principal,
      recordType: 'case-relationship',
      recordIds,
      fieldGroups: [],
      purpose: a.purpose,
      recipients,
      decision: a.decision,
      correlationId: t.correlationId,
    });
  }
}
