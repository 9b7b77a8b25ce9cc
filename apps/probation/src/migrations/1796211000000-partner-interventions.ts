import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mental-health trust's interventions with the person of concern, as probation learns them from
 * `intervention.status-changed` (codes only): the latest status of each, every change as history, and the
 * enforcement reviews a BREACHED or DISENGAGED licence-condition or community-order intervention opens on
 * the practitioner's worklist (one per intervention).
 */
export class PartnerInterventions1796211000000 implements MigrationInterface {
  name = 'PartnerInterventions1796211000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE partner_intervention (
        intervention_id uuid PRIMARY KEY,
        case_id         uuid NOT NULL,
        agency          text NOT NULL,
        status          text NOT NULL,
        legal_basis     text NOT NULL,
        changed_at      timestamptz NOT NULL,
        source_version  integer NOT NULL
      )`);
    await q.query(`CREATE INDEX partner_intervention_case ON partner_intervention (case_id)`);
    await q.query(`
      CREATE TABLE partner_intervention_change (
        intervention_id uuid NOT NULL,
        source_version  integer NOT NULL,
        case_id         uuid NOT NULL,
        previous_status text,
        status          text NOT NULL,
        legal_basis     text NOT NULL,
        changed_at      timestamptz NOT NULL,
        received_at     timestamptz NOT NULL,
        PRIMARY KEY (intervention_id, source_version)
      )`);
    await q.query(`CREATE INDEX partner_intervention_change_case ON partner_intervention_change (case_id, changed_at)`);
    await q.query(`
      CREATE TABLE enforcement_review (
        id              uuid PRIMARY KEY,
        case_id         uuid NOT NULL,
        intervention_id uuid NOT NULL UNIQUE,
        trigger_status  text NOT NULL CHECK (trigger_status IN ('BREACHED', 'DISENGAGED')),
        legal_basis     text NOT NULL CHECK (legal_basis IN ('COMMUNITY_ORDER', 'LICENCE_CONDITION')),
        opened_at       timestamptz NOT NULL,
        due_at          timestamptz NOT NULL,
        status          text NOT NULL CHECK (status IN ('OPEN', 'DECIDED')),
        outcome         text CHECK (outcome IN ('NO_FURTHER_ACTION', 'WARNING', 'BREACH_PROCEEDINGS', 'RECALL_REQUESTED')),
        decided_by      text,
        decided_at      timestamptz,
        version         integer NOT NULL,
        CHECK ((status = 'OPEN') = (outcome IS NULL))
      )`);
    await q.query(`CREATE INDEX enforcement_review_case ON enforcement_review (case_id)`);
    await q.query(`CREATE INDEX enforcement_review_open ON enforcement_review (due_at, id) WHERE status = 'OPEN'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['enforcement_review', 'partner_intervention_change', 'partner_intervention']) await q.query(`DROP TABLE ${t}`);
  }
}
