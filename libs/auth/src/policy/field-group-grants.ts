import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Agency } from '@stac/domain';
import type { FieldGroup } from './vocabulary';

type Queryable = Pick<EntityManager, 'query'>;

/** A field group granted on one case to a named user or an agency's team, with its reason and end. */
export interface FieldGroupGrant {
  grantId: string;
  caseId: string;
  fieldGroup: FieldGroup;
  agency: Agency;
  /** The named user; null when the agency's team on the case holds it. */
  subject: string | null;
  /** The named user's token issuer (AC-16); null with the subject. */
  issuer: string | null;
  reason: string;
  validFrom: Date;
  validTo: Date;
  createdBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
  revokedReason: string | null;
}

/**
 * Field-group grants (AC-03) as relationship data: a grant adds its group to what the holder's
 * relationship to the case grants, from the next request on (`CaseRelationships` reads the grants in
 * force on every decision, AC-12); it never opens the case by itself. Revoked grants are kept.
 */
export class FieldGroupGrants {
  async grant(
    m: Queryable,
    g: { caseId: string; fieldGroup: FieldGroup; agency: Agency; subject?: string | null; issuer?: string | null; reason: string; validTo: Date; createdBy: string },
  ): Promise<FieldGroupGrant> {
    if (g.subject && !g.issuer) throw new Error('a named grant names its user by issuer and subject (AC-16)');
    const grantId = randomUUID();
    // In force from the database's now(), the clock every decision compares with (AC-12).
    const [row]: Record<string, unknown>[] = await m.query(
      `INSERT INTO case_field_group_grant (id, case_id, field_group, agency, subject, issuer, reason, valid_from, valid_to, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9) RETURNING *`,
      [grantId, g.caseId, g.fieldGroup, g.agency, g.subject ?? null, g.subject ? g.issuer : null, g.reason, g.validTo, g.createdBy],
    );
    return rowToGrant(row);
  }

  /** The grants of a case, revoked and lapsed ones included, newest first. */
  async forCase(db: Queryable, caseId: string): Promise<FieldGroupGrant[]> {
    const rows: Record<string, unknown>[] = await db.query(`SELECT * FROM case_field_group_grant WHERE case_id = $1 ORDER BY valid_from DESC, id`, [caseId]);
    return rows.map(rowToGrant);
  }

  /** A grant of the case, locked for a change; null when there is none. */
  async lockOne(m: Queryable, caseId: string, grantId: string): Promise<FieldGroupGrant | null> {
    const [row]: Record<string, unknown>[] = await m.query(`SELECT * FROM case_field_group_grant WHERE id = $1 AND case_id = $2 FOR UPDATE`, [grantId, caseId]);
    return row ? rowToGrant(row) : null;
  }

  /** A grant in force (not revoked, not yet ended) to the same holder for the same group, if any. */
  async inForce(db: Queryable, g: { caseId: string; fieldGroup: FieldGroup; agency: Agency; subject?: string | null; issuer?: string | null }): Promise<FieldGroupGrant | null> {
    const [row]: Record<string, unknown>[] = await db.query(
      `SELECT * FROM case_field_group_grant
        WHERE case_id = $1 AND field_group = $2 AND agency = $3 AND subject IS NOT DISTINCT FROM $4 AND issuer IS NOT DISTINCT FROM $5
          AND revoked_at IS NULL AND valid_from <= now() AND valid_to > now()
        LIMIT 1`,
      [g.caseId, g.fieldGroup, g.agency, g.subject ?? null, g.subject ? (g.issuer ?? null) : null],
    );
    return row ? rowToGrant(row) : null;
  }

  /** Revokes a grant now: its holder is refused the group on the next request (AC-12). */
  async revoke(m: Queryable, grantId: string, by: string, reason: string): Promise<FieldGroupGrant> {
    const [[row]]: [Record<string, unknown>[], number] = await m.query(
      `UPDATE case_field_group_grant SET revoked_at = now(), revoked_by = $2, revoked_reason = $3 WHERE id = $1 RETURNING *`,
      [grantId, by, reason],
    );
    return rowToGrant(row);
  }
}

function rowToGrant(r: Record<string, unknown>): FieldGroupGrant {
  return {
    grantId: r.id as string,
    caseId: r.case_id as string,
    fieldGroup: r.field_group as FieldGroup,
    agency: r.agency as Agency,
    subject: (r.subject as string | null) ?? null,
    issuer: (r.issuer as string | null) ?? null,
    reason: r.reason as string,
    validFrom: r.valid_from as Date,
    validTo: r.valid_to as Date,
    createdBy: r.created_by as string,
    revokedAt: (r.revoked_at as Date | null) ?? null,
    revokedBy: (r.revoked_by as string | null) ?? null,
    revokedReason: (r.revoked_reason as string | null) ?? null,
  };
}
