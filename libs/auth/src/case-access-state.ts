import type { EntityManager } from 'typeorm';
import type { Agency } from '@stac/domain';
import { CaseRelationships } from './policy/case-relationships';
import type { RelationshipKind } from './policy/vocabulary';

type Queryable = Pick<EntityManager, 'query'>;

/** The relationship kinds that name one user and so travel to every service (AC-14). */
export const ANNOUNCED_RELATIONSHIP_KINDS = ['ASSIGNMENT', 'CONSULTATION_PANEL', 'BREAK_GLASS'] as const satisfies readonly RelationshipKind[];
export type AnnouncedRelationshipKind = (typeof ANNOUNCED_RELATIONSHIP_KINDS)[number];

/** A named relationship in force, as the owner announces it: ids, kind, the user (issuer + subject), dates. */
export interface AnnouncedRelationship {
  relationshipId: string;
  kind: AnnouncedRelationshipKind;
  agency: Agency;
  issuer: string;
  subject: string;
  readOnly: boolean;
  validFrom: Date;
  validTo: Date | null;
}

/** An exclusion in force (AC-07). */
export interface AnnouncedExclusion {
  exclusionId: string;
  issuer: string;
  subject: string;
  validFrom: Date;
  validTo: Date | null;
}

/** Who may and who may not see a case, user by user, as one versioned state. */
export interface CaseAccessFacts {
  caseId: string;
  version: number;
  changedAt: Date;
  relationships: AnnouncedRelationship[];
  exclusions: AnnouncedExclusion[];
}

/** The most relationships or exclusions one announcement carries (they travel in one event). */
export const MAX_ANNOUNCED_PER_CASE = 500;

/**
 * Case access facts as relationship data that every service holds (AC-14): intake, which records
 * assignments, panel seats, break-glass and exclusions, moves the case's version on with each change and
 * announces the whole state (`intake.case.access-changed.v1`); every other service replaces its replica of
 * them with a newer state, beside its own relationships, and decides with both. Its own relationships
 * (`origin` null) are never touched by a replica.
 */
export class CaseAccessState {
  private readonly relationships = new CaseRelationships();

  /** Owner: the named relationships and the exclusions of the case in force now, with the next version. */
  async advance(m: Queryable, caseId: string, at: Date): Promise<CaseAccessFacts> {
    const [{ version }]: { version: number }[] = await m.query(
      `INSERT INTO case_access_state (case_id, version, changed_at) VALUES ($1, 1, $2)
       ON CONFLICT (case_id) DO UPDATE SET version = case_access_state.version + 1, changed_at = excluded.changed_at
       RETURNING version`,
      [caseId, at],
    );
    // One after the other: `m` is a transaction's single connection.
    const rels: Record<string, unknown>[] = await m.query(
      `SELECT id, kind, agency, issuer, subject, read_only, valid_from, valid_to FROM case_relationship
        WHERE case_id = $1 AND subject IS NOT NULL AND issuer IS NOT NULL AND origin IS NULL AND kind = ANY($2::text[])
          AND (valid_to IS NULL OR valid_to > now()) ORDER BY valid_from, id`,
      [caseId, ANNOUNCED_RELATIONSHIP_KINDS],
    );
    const excl: Record<string, unknown>[] = await m.query(
      `SELECT id, issuer, subject, valid_from, valid_to FROM case_exclusion
        WHERE case_id = $1 AND origin IS NULL AND (valid_to IS NULL OR valid_to > now()) ORDER BY valid_from, id`,
      [caseId],
    );
    if (rels.length > MAX_ANNOUNCED_PER_CASE || excl.length > MAX_ANNOUNCED_PER_CASE) {
      throw new Error(`a case holds more than ${MAX_ANNOUNCED_PER_CASE} named relationships or exclusions`);
    }
    return {
      caseId,
      version,
      changedAt: at,
      relationships: rels.map((r) => ({
        relationshipId: r.id as string,
        kind: r.kind as AnnouncedRelationshipKind,
        agency: r.agency as Agency,
        issuer: r.issuer as string,
        subject: r.subject as string,
        readOnly: r.read_only === true,
        validFrom: r.valid_from as Date,
        validTo: (r.valid_to as Date | null) ?? null,
      })),
      exclusions: excl.map((x) => ({
        exclusionId: x.id as string,
        issuer: x.issuer as string,
        subject: x.subject as string,
        validFrom: x.valid_from as Date,
        validTo: (x.valid_to as Date | null) ?? null,
      })),
    };
  }

  /**
   * Replica: applies the owner's state when it is newer than what this service holds (a redelivered or
   * older announcement changes nothing). The owner's relationships and exclusions held here are replaced
   * by those announced; they open the case for core facts only (field groups come from this service's own
   * relationships and grants). A start later than this database's clock (another server's clock ahead of
   * it) is taken as now, so an exclusion bites as soon as it is applied. Returns whether it applied.
   */
  async replicate(m: Queryable, s: CaseAccessFacts, origin: string, createdBy: string): Promise<boolean> {
    const applied: { case_id: string }[] = await m.query(
      `INSERT INTO case_access_state (case_id, version, changed_at) VALUES ($1, $2, $3)
       ON CONFLICT (case_id) DO UPDATE SET version = excluded.version, changed_at = excluded.changed_at
       WHERE case_access_state.version < excluded.version
       RETURNING case_id`,
      [s.caseId, s.version, s.changedAt],
    );
    if (applied.length === 0) return false;
    await m.query(`DELETE FROM case_relationship WHERE case_id = $1 AND origin = $2`, [s.caseId, origin]);
    await m.query(`DELETE FROM case_exclusion WHERE case_id = $1 AND origin = $2`, [s.caseId, origin]);
    await this.relationships.grantMany(
      m,
      s.relationships.map((r) => ({
        id: r.relationshipId,
        caseId: s.caseId,
        kind: r.kind,
        agency: r.agency,
        issuer: r.issuer,
        subject: r.subject,
        fieldGroups: [],
        readOnly: r.readOnly,
        validFrom: r.validFrom,
        validTo: r.validTo ?? undefined,
        createdBy,
        origin,
      })),
    );
    if (s.exclusions.length) {
      await m.query(
        `INSERT INTO case_exclusion (id, case_id, issuer, subject, valid_from, valid_to, created_by, origin)
         SELECT t.id, $1, t.issuer, t.subject, least(t.valid_from, now()), t.valid_to, $2, $3
           FROM unnest($4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[]) AS t(id, issuer, subject, valid_from, valid_to)`,
        [
          s.caseId,
          createdBy,
          origin,
          s.exclusions.map((x) => x.exclusionId),
          s.exclusions.map((x) => x.issuer),
          s.exclusions.map((x) => x.subject),
          s.exclusions.map((x) => x.validFrom),
          s.exclusions.map((x) => x.validTo),
        ],
      );
    }
    return true;
  }
}
