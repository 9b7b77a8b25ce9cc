import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supervision checks get the shared partner-check shape (@stac/partner-checks: reason, due time, who answered,
 * contact route) and a keyed token of the probation case reference; complex-case
 * consultations with sealed exclusion zones, MAPPA history, sentence dates and the conviction stage
 * probation learns from intake. Probation's own team holds victim.location on its records: it enforces
 * the licence conditions whose exclusion zones it recommends.
 */
export class ProbationRecords1796130100000 implements MigrationInterface {
  name = 'ProbationRecords1796130100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE supervision_check
        ADD COLUMN reason               text NOT NULL DEFAULT 'REFERRAL',
        ADD COLUMN due_at               timestamptz,
        ADD COLUMN answered_by          text,
        ADD COLUMN contact_team         text,
        ADD COLUMN contact_role         text,
        ADD COLUMN contact_how_to_reach text,
        ADD COLUMN reference_token      bytea`);
    // Checks opened before due times existed: due two calendar days after the request (the working-day time was never recorded).
    await q.query(`UPDATE supervision_check SET due_at = requested_at + interval '2 days'`);
    await q.query(`ALTER TABLE supervision_check ALTER COLUMN due_at SET NOT NULL, ALTER COLUMN reason DROP DEFAULT`);
    await q.query(`DROP INDEX supervision_check_open`);
    await q.query(`CREATE INDEX supervision_check_reference ON supervision_check (reference_token) WHERE reference_token IS NOT NULL`);
    await q.query(`CREATE INDEX supervision_check_due ON supervision_check (due_at, id) WHERE status = 'REQUESTED'`);
    await q.query(`
      CREATE TABLE probation_consultation (
        id                   uuid PRIMARY KEY,
        case_id              uuid NOT NULL,
        kind                 text NOT NULL CHECK (kind IN ('PRE_SENTENCE_REPORT', 'POST_CONVICTION')),
        recommendation_codes text[] NOT NULL,
        summary              text,
        licence_conditions   jsonb NOT NULL DEFAULT '[]',
        exclusion_zones_enc  bytea,
        completed_by         text NOT NULL,
        completed_at         timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX probation_consultation_case ON probation_consultation (case_id, completed_at)`);
    await q.query(`
      CREATE TABLE mappa_decision (
        id               uuid PRIMARY KEY,
        case_id          uuid NOT NULL,
        category         smallint NOT NULL CHECK (category BETWEEN 1 AND 3),
        level            smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
        lead_agency      text NOT NULL,
        next_review_date date NOT NULL,
        set_by           text NOT NULL,
        set_at           timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX mappa_decision_case ON mappa_decision (case_id, set_at)`);
    await q.query(`
      CREATE TABLE sentence_dates (
        case_id             uuid PRIMARY KEY,
        custody_start       date,
        expected_release    date,
        actual_release      date,
        licence_end         date,
        supervision_end     date,
        released_on         date,
        release_noticed_for date,
        licence_ended_on    date,
        updated_by          text NOT NULL,
        updated_at          timestamptz NOT NULL,
        version             integer NOT NULL
      )`);
    await q.query(`CREATE INDEX sentence_dates_release ON sentence_dates ((COALESCE(actual_release, expected_release)))`);
    await q.query(`CREATE INDEX sentence_dates_licence_end ON sentence_dates (licence_end) WHERE licence_end IS NOT NULL`);
    await q.query(`
      CREATE TABLE probation_case_stage (
        case_id      uuid PRIMARY KEY,
        cj_stage     text NOT NULL,
        convicted_at timestamptz,
        changed_at   timestamptz NOT NULL
      )`);
    await q.query(`
      UPDATE case_relationship SET field_groups = array_append(field_groups, 'victim.location')
       WHERE agency = 'probation' AND kind = 'OWNING_TEAM' AND NOT ('victim.location' = ANY (field_groups))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE case_relationship SET field_groups = array_remove(field_groups, 'victim.location') WHERE agency = 'probation' AND kind = 'OWNING_TEAM'`);
    for (const t of ['probation_case_stage', 'sentence_dates', 'mappa_decision', 'probation_consultation']) await q.query(`DROP TABLE ${t}`);
    await q.query(`DROP INDEX supervision_check_due`);
    await q.query(`DROP INDEX supervision_check_reference`);
    await q.query(`CREATE INDEX supervision_check_open ON supervision_check (requested_at) WHERE status = 'REQUESTED'`);
    await q.query(`
      ALTER TABLE supervision_check DROP COLUMN reason, DROP COLUMN due_at, DROP COLUMN answered_by, DROP COLUMN contact_team,
        DROP COLUMN contact_role, DROP COLUMN contact_how_to_reach, DROP COLUMN reference_token`);
  }
}
