import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Assessments, the versioned shareable summary, the review schedule, and screening tasks widened
 * into re-assessment tasks (several per case, one open per agency at a time).
 */
export class RiskAssessments1795743100000 implements MigrationInterface {
  name = 'RiskAssessments1795743100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE risk_assessment (
        id                  uuid PRIMARY KEY,
        case_id             uuid NOT NULL,
        subject             text NOT NULL CHECK (subject IN ('VICTIM_SITUATION', 'PERSON_OF_CONCERN')),
        instrument          text NOT NULL,
        instrument_version  integer NOT NULL,
        status              text NOT NULL CHECK (status IN ('DRAFT', 'SUBMITTED', 'CURRENT', 'SUPERSEDED')),
        answers             jsonb,
        yes_count           integer,
        marac_flag          boolean NOT NULL DEFAULT false,
        level               text CHECK (level IN ('STANDARD', 'MEDIUM', 'HIGH')),
        rationale           text,
        domain_levels       jsonb NOT NULL DEFAULT '{}',
        stalker_type        text,
        stalker_type_shared boolean NOT NULL DEFAULT false,
        formulation         text,
        requires_review     boolean NOT NULL DEFAULT false,
        owner_agency        text NOT NULL,
        assessor_issuer     text NOT NULL,
        assessor_subject    text NOT NULL,
        assessor_role       text NOT NULL,
        reviewer_issuer     text,
        reviewer_subject    text,
        reviewer_agency     text,
        reviewer_role       text,
        reviewed_at         timestamptz,
        task_id             uuid,
        created_at          timestamptz NOT NULL,
        submitted_at        timestamptz,
        current_from        timestamptz,
        superseded_at       timestamptz,
        valid_until         timestamptz,
        next_review_due     timestamptz,
        review_notified_for timestamptz,
        version             integer NOT NULL,
        FOREIGN KEY (instrument, instrument_version) REFERENCES instrument_definition (code, version),
        -- A level is a judgement: nothing leaves draft without one.
        CHECK (status = 'DRAFT' OR level IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX risk_assessment_case ON risk_assessment (case_id, created_at)`);
    // One current judgement per case and subject; the next one supersedes it.
    await q.query(`CREATE UNIQUE INDEX risk_assessment_one_current ON risk_assessment (case_id, subject) WHERE status = 'CURRENT'`);
    await q.query(`CREATE INDEX risk_assessment_review_due ON risk_assessment (owner_agency, next_review_due) WHERE status = 'CURRENT'`);

    await q.query(`
      CREATE TABLE risk_summary_version (
        case_id        uuid NOT NULL,
        version        integer NOT NULL,
        effective_from timestamptz NOT NULL,
        level          text,
        previous_level text,
        level_changed  boolean NOT NULL,
        assessment_id  uuid NOT NULL REFERENCES risk_assessment (id),
        summary        jsonb NOT NULL,
        PRIMARY KEY (case_id, version)
      )`);
    await q.query(`CREATE INDEX risk_summary_version_at ON risk_summary_version (case_id, effective_from DESC, version DESC)`);

    // Review intervals by level (design choice; an administrator may change the rows). NULL: on events only.
    await q.query(`
      CREATE TABLE review_policy (
        level           text PRIMARY KEY CHECK (level IN ('STANDARD', 'MEDIUM', 'HIGH')),
        interval_days   integer CHECK (interval_days > 0),
        interval_months integer CHECK (interval_months > 0)
      )`);
    await q.query(`INSERT INTO review_policy (level, interval_days, interval_months) VALUES
                     ('HIGH', 28, NULL), ('MEDIUM', NULL, 3), ('STANDARD', NULL, NULL)`);

    await q.query(`
      CREATE TABLE risk_idempotency_record (
        key          text PRIMARY KEY,
        request_hash text NOT NULL,
        response     jsonb,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`ALTER TABLE screening_task DROP CONSTRAINT screening_task_case_id_key`);
    await q.query(`ALTER TABLE screening_task ALTER COLUMN victim_id DROP NOT NULL`);
    await q.query(`
      ALTER TABLE screening_task
        ADD COLUMN owner_agency text NOT NULL DEFAULT 'police',
        ADD COLUMN trigger_event_id uuid,
        ADD COLUMN incident_id uuid,
        ADD COLUMN triggers jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN completed_at timestamptz,
        ADD COLUMN completed_by_assessment_id uuid`);
    // One screening per referred case (redelivered referrals insert nothing), one open re-assessment per agency.
    await q.query(`CREATE UNIQUE INDEX screening_task_one_referral ON screening_task (case_id) WHERE reason = 'NEW_REFERRAL'`);
    await q.query(`CREATE UNIQUE INDEX screening_task_one_open_reassessment ON screening_task (case_id, owner_agency)
                     WHERE status = 'OPEN' AND reason <> 'NEW_REFERRAL'`);
    await q.query(`CREATE INDEX screening_task_open_by_agency ON screening_task (owner_agency, due_at) WHERE status = 'OPEN'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX screening_task_open_by_agency`);
    await q.query(`DROP INDEX screening_task_one_open_reassessment`);
    await q.query(`DROP INDEX screening_task_one_referral`);
    await q.query(`DELETE FROM screening_task WHERE reason <> 'NEW_REFERRAL'`);
    await q.query(`ALTER TABLE screening_task DROP COLUMN owner_agency, DROP COLUMN trigger_event_id, DROP COLUMN incident_id,
                     DROP COLUMN triggers, DROP COLUMN completed_at, DROP COLUMN completed_by_assessment_id`);
    await q.query(`ALTER TABLE screening_task ADD CONSTRAINT screening_task_case_id_key UNIQUE (case_id)`);
    await q.query(`DROP TABLE risk_idempotency_record`);
    await q.query(`DROP TABLE review_policy`);
    await q.query(`DROP TABLE risk_summary_version`);
    await q.query(`DROP TABLE risk_assessment`);
  }
}
