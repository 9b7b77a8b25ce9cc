import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { RESTRICTING_FLAGS, type RestrictionKind } from '@stac/domain';

type Queryable = Pick<EntityManager, 'query'>;

/** A user named on a restricted case, as the owner announces it (ids only: issuer and subject). */
export interface NamedAccess {
  grantId: string;
  issuer: string;
  subject: string;
  validFrom: Date;
  /** Null while open-ended. */
  validTo: Date | null;
}

/** A case's restriction as one state: what restricts it and who is named now. */
export interface RestrictionState {
  caseId: string;
  kinds: RestrictionKind[];
  /** Orders changes: every change moves it on; a replica applies only a newer one. */
  version: number;
  changedAt: Date;
  named: NamedAccess[];
}

/** The history row of a naming, as the owning service keeps it (reason and who named / ended). */
export interface NamedAccessRecord extends NamedAccess {
  reason: string | null;
  createdBy: string;
  endedBy: string | null;
}

/** The most names a restricted case may carry (they travel in one event). */
export const MAX_NAMED_PER_CASE = 100;

/**
 * Restricted records (staff-linked, public figure) as relationship data, in the service that owns the case
 * and in every other service's replica. The decision reads them through `CaseRelationships`; `decide()`
 * answers an unnamed caller 404 (AC-09).
 */
export class CaseRestrictions {
  /** The restriction and the names in force now; an unrestricted case with no names has version 0. */
  async stateOf(db: Queryable, caseId: string): Promise<RestrictionState> {
    // One after the other: `db` may be a transaction's single connection.
    const [row]: { kinds: RestrictionKind[]; version: number; changed_at: Date }[] = await db.query(
      `SELECT kinds, version, changed_at FROM case_restriction WHERE case_id = $1`,
      [caseId],
    );
    const named = await this.namedInForce(db, caseId);
    return { caseId, kinds: row?.kinds ?? [], version: row?.version ?? 0, changedAt: row?.changed_at ?? new Date(0), named };
  }

  /** Every naming of the case, ended ones included, oldest first (the owner's history). */
  async history(db: Queryable, caseId: string): Promise<NamedAccessRecord[]> {
    const rows: Record<string, unknown>[] = await db.query(
      `SELECT id, issuer, subject, reason, valid_from, valid_to, created_by, ended_by FROM case_named_access WHERE case_id = $1 ORDER BY valid_from, id`,
      [caseId],
    );
    return rows.map((r) => ({
      grantId: r.id as string,
      issuer: r.issuer as string,
      subject: r.subject as string,
      validFrom: r.valid_from as Date,
      validTo: (r.valid_to as Date | null) ?? null,
      reason: (r.reason as string | null) ?? null,
      createdBy: r.created_by as string,
      endedBy: (r.ended_by as string | null) ?? null,
    }));
  }

  private async namedInForce(db: Queryable, caseId: string): Promise<NamedAccess[]> {
    const rows: { id: string; issuer: string; subject: string; valid_from: Date; valid_to: Date | null }[] = await db.query(
      `SELECT id, issuer, subject, valid_from, valid_to FROM case_named_access
        WHERE case_id = $1 AND valid_from <= now() AND (valid_to IS NULL OR valid_to > now()) ORDER BY valid_from, id`,
      [caseId],
    );
    return rows.map((r) => ({ grantId: r.id, issuer: r.issuer, subject: r.subject, validFrom: r.valid_from, validTo: r.valid_to }));
  }

  /**
   * Owner: locks the case's restriction row (created unrestricted when missing) so changes to one case
   * are serialised and each gets the next version.
   */
  private async lock(m: Queryable, caseId: string, at: Date): Promise<{ kinds: RestrictionKind[]; version: number }> {
    await m.query(`INSERT INTO case_restriction (case_id, kinds, version, changed_at) VALUES ($1, '{}', 0, $2) ON CONFLICT (case_id) DO NOTHING`, [caseId, at]);
    const [row]: { kinds: RestrictionKind[]; version: number }[] = await m.query(`SELECT kinds, version FROM case_restriction WHERE case_id = $1 FOR UPDATE`, [caseId]);
    return row;
  }

  private async bump(m: Queryable, caseId: string, kinds: readonly RestrictionKind[], at: Date): Promise<number> {
    const [[{ version }]]: [{ version: number }[], number] = await m.query(
      `UPDATE case_restriction SET kinds = $2, version = version + 1, changed_at = $3 WHERE case_id = $1 RETURNING version`,
      [caseId, sortKinds(kinds), at],
    );
    return version;
  }

  /** Owner: sets what restricts the case (empty lifts the restriction). Returns the new version. */
  async setKinds(m: Queryable, caseId: string, kinds: readonly RestrictionKind[], at: Date): Promise<{ previous: RestrictionKind[]; version: number }> {
    const current = await this.lock(m, caseId, at);
    return { previous: current.kinds, version: await this.bump(m, caseId, kinds, at) };
  }

  /**
   * Owner: names a user on the case (a second naming of someone named now is refused by the caller).
   * Returns the grant id and the restriction's new version.
   */
  async name(
    m: Queryable,
    caseId: string,
    n: { issuer: string; subject: string; reason?: string | null; validTo?: Date | null; createdBy: string },
    at: Date,
  ): Promise<{ grantId: string; version: number }> {
    const current = await this.lock(m, caseId, at);
    const grantId = randomUUID();
    await m.query(
      // From the database's now(), as every relationship: the decision compares with the same clock.
      `INSERT INTO case_named_access (id, case_id, issuer, subject, reason, valid_from, valid_to, created_by) VALUES ($1, $2, $3, $4, $5, now(), $6, $7)`,
      [grantId, caseId, n.issuer, n.subject, n.reason ?? null, n.validTo ?? null, n.createdBy],
    );
    return { grantId, version: await this.bump(m, caseId, current.kinds, at) };
  }

  /** Owner: ends a naming now. Null when there is no such naming in force on the case. */
  async endNaming(m: Queryable, caseId: string, grantId: string, endedBy: string, at: Date): Promise<{ version: number } | null> {
    const current = await this.lock(m, caseId, at);
    const [rows]: [unknown[], number] = await m.query(
      `UPDATE case_named_access SET valid_to = now(), ended_by = $3
        WHERE id = $1 AND case_id = $2 AND valid_from <= now() AND (valid_to IS NULL OR valid_to > now()) RETURNING id`,
      [grantId, caseId, endedBy],
    );
    if (rows.length === 0) return null;
    return { version: await this.bump(m, caseId, current.kinds, at) };
  }

  /**
   * Replica: applies the owner's announced state when it is newer than what this service holds (a
   * redelivered or older announcement changes nothing). The names are replaced by those announced.
   */
  async replicate(m: Queryable, s: RestrictionState, source: string): Promise<boolean> {
    // An INSERT answers its RETURNING rows: none when the held version is as new or newer.
    const applied: { case_id: string }[] = await m.query(
      `INSERT INTO case_restriction (case_id, kinds, version, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (case_id) DO UPDATE SET kinds = excluded.kinds, version = excluded.version, changed_at = excluded.changed_at
       WHERE case_restriction.version < excluded.version
       RETURNING case_id`,
      [s.caseId, sortKinds(s.kinds), s.version, s.changedAt],
    );
    if (applied.length === 0) return false;
    await m.query(`DELETE FROM case_named_access WHERE case_id = $1`, [s.caseId]);
    if (s.named.length) {
      await m.query(
        `INSERT INTO case_named_access (id, case_id, issuer, subject, valid_from, valid_to, created_by)
         SELECT t.id, $1, t.issuer, t.subject, t.valid_from, t.valid_to, $2
           FROM unnest($3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[]) AS t(id, issuer, subject, valid_from, valid_to)`,
        [
          s.caseId,
          source,
          s.named.map((n) => n.grantId),
          s.named.map((n) => n.issuer),
          s.named.map((n) => n.subject),
          s.named.map((n) => n.validFrom),
          s.named.map((n) => n.validTo),
        ],
      );
    }
    return true;
  }
}

function sortKinds(kinds: readonly RestrictionKind[]): RestrictionKind[] {
  return RESTRICTING_FLAGS.filter((k) => kinds.includes(k));
}
