import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The charity's victim support record (domain.md §4 advocacy): consent with its history, allocation,
 * contact log, needs, versioned safety plans, Victims' Code update clocks, safe contact preferences and
 * the outbound communications checked against them, victim situation changes, and feedback stored apart
 * from identity. Columns ending in `_enc` are AES-256-GCM under the charity's own key (DP-02).
 */
export class VictimSupport1796110000000 implements MigrationInterface {
  name = 'VictimSupport1796110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE advocacy_offer
        ADD COLUMN consent_state    text CHECK (consent_state IN ('GIVEN', 'WITHDRAWN', 'DECLINED', 'LAWFUL_OVERRIDE')),
        ADD COLUMN consent_scope    text[] NOT NULL DEFAULT '{}',
        ADD COLUMN consent_sequence integer NOT NULL DEFAULT 0,
        ADD COLUMN enhanced_rights  boolean NOT NULL DEFAULT false,
        ADD COLUMN advocate         text,
        ADD COLUMN lead             text,
        ADD COLUMN allocated_at     timestamptz`);
    await q.query(`CREATE INDEX advocacy_offer_unallocated ON advocacy_offer (opened_at, id) WHERE advocate IS NULL AND status IN ('PENDING', 'ENGAGED')`);
    await q.query(`CREATE INDEX advocacy_offer_advocate ON advocacy_offer (advocate) WHERE advocate IS NOT NULL`);
    await q.query(`
      CREATE TABLE consent_record (
        id                uuid PRIMARY KEY,
        case_id           uuid NOT NULL,
        offer_id          uuid NOT NULL REFERENCES advocacy_offer (id),
        sequence          integer NOT NULL,
        change            text NOT NULL,
        state             text NOT NULL,
        scope             text[] NOT NULL,
        decline_reason    text,
        legal_basis       text,
        justification_enc bytea,
        decided_by        text NOT NULL,
        recorded_at       timestamptz NOT NULL,
        UNIQUE (offer_id, sequence)
      )`);
    await q.query(`
      CREATE TABLE allocation_record (
        id           uuid PRIMARY KEY,
        seq          bigserial NOT NULL,
        case_id      uuid NOT NULL,
        offer_id     uuid NOT NULL REFERENCES advocacy_offer (id),
        advocate     text NOT NULL,
        reason       text NOT NULL,
        allocated_by text NOT NULL,
        allocated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX allocation_record_case ON allocation_record (case_id, allocated_at)`);
    await q.query(`
      CREATE TABLE advocacy_contact (
        id               uuid PRIMARY KEY,
        case_id          uuid NOT NULL,
        contact_at       timestamptz NOT NULL,
        channel          text NOT NULL,
        purposes         text[] NOT NULL,
        outcome          text NOT NULL,
        next_contact_due timestamptz,
        notes_enc        bytea,
        recorded_by      text NOT NULL,
        recorded_at      timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX advocacy_contact_case ON advocacy_contact (case_id, contact_at DESC)`);
    await q.query(`
      CREATE TABLE needs_assessment (
        id          uuid PRIMARY KEY,
        case_id     uuid NOT NULL,
        sequence    integer NOT NULL,
        needs       jsonb NOT NULL,
        assessed_by text NOT NULL,
        assessed_at timestamptz NOT NULL,
        UNIQUE (case_id, sequence)
      )`);
    await q.query(`
      CREATE TABLE safety_plan (
        id             uuid PRIMARY KEY,
        case_id        uuid NOT NULL,
        status         text NOT NULL,
        latest_version integer NOT NULL,
        review_date    timestamptz NOT NULL,
        review_due_at  timestamptz,
        review_reason  text,
        version        integer NOT NULL
      )`);
    await q.query(`CREATE INDEX safety_plan_case ON safety_plan (case_id)`);
    await q.query(`
      CREATE TABLE safety_plan_version (
        plan_id      uuid NOT NULL REFERENCES safety_plan (id),
        plan_version integer NOT NULL,
        status       text NOT NULL,
        measures     jsonb NOT NULL,
        review_date  timestamptz NOT NULL,
        changed_by   text NOT NULL,
        changed_at   timestamptz NOT NULL,
        PRIMARY KEY (plan_id, plan_version)
      )`);
    await q.query(`
      CREATE TABLE victim_update_obligation (
        id               uuid PRIMARY KEY,
        seq              bigserial NOT NULL,
        case_id          uuid NOT NULL,
        trigger          text NOT NULL,
        trigger_event_id uuid NOT NULL UNIQUE,
        triggered_at     timestamptz NOT NULL,
        due_at           timestamptz NOT NULL,
        enhanced_rights  boolean NOT NULL,
        owner_agency     text NOT NULL,
        owner_person     text,
        status           text NOT NULL CHECK (status IN ('OPEN', 'DELIVERED')),
        delivered_at     timestamptz,
        delivery_method  text,
        delivered_by     text,
        version          integer NOT NULL
      )`);
    await q.query(`CREATE INDEX victim_update_open_due ON victim_update_obligation (due_at, id) WHERE status = 'OPEN'`);
    await q.query(`CREATE INDEX victim_update_case ON victim_update_obligation (case_id)`);
    await q.query(`
      CREATE TABLE victim_update_not_opened (
        trigger_event_id uuid PRIMARY KEY,
        case_id          uuid NOT NULL,
        trigger          text NOT NULL,
        reason           text NOT NULL,
        at               timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE contact_preferences (
        case_id    uuid PRIMARY KEY,
        prefs_enc  bytea NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE outbound_communication (
        id            uuid PRIMARY KEY,
        seq           bigserial NOT NULL,
        case_id       uuid NOT NULL,
        channel       text NOT NULL,
        purpose       text NOT NULL,
        status        text NOT NULL CHECK (status IN ('SENT', 'REFUSED', 'FAILED')),
        refusal       text,
        reason        text,
        obligation_id uuid,
        requested_by  text NOT NULL,
        at            timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX outbound_communication_case ON outbound_communication (case_id, at)`);
    await q.query(`
      CREATE TABLE victim_situation_change (
        id             uuid PRIMARY KEY,
        case_id        uuid NOT NULL,
        change         text NOT NULL,
        effective_from timestamptz NOT NULL,
        details_enc    bytea NOT NULL,
        recorded_by    text NOT NULL,
        recorded_at    timestamptz NOT NULL
      )`);
    // Feedback is kept apart from identity: no case, victim or respondent column, and only the month.
    await q.query(`
      CREATE TABLE feedback_response (
        id              uuid PRIMARY KEY,
        milestone       text NOT NULL,
        respondent      text NOT NULL,
        answers         jsonb NOT NULL,
        free_text_enc   bytea,
        submitted_month text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE idempotency_record (
        key          text PRIMARY KEY,
        request_hash text NOT NULL,
        response     jsonb,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'idempotency_record',
      'feedback_response',
      'victim_situation_change',
      'outbound_communication',
      'contact_preferences',
      'victim_update_not_opened',
      'victim_update_obligation',
      'safety_plan_version',
      'safety_plan',
      'needs_assessment',
      'advocacy_contact',
      'allocation_record',
      'consent_record',
    ])
      await q.query(`DROP TABLE ${t}`);
    await q.query(`DROP INDEX advocacy_offer_unallocated`);
    await q.query(`DROP INDEX advocacy_offer_advocate`);
    await q.query(`ALTER TABLE advocacy_offer DROP COLUMN consent_state, DROP COLUMN consent_scope, DROP COLUMN consent_sequence, DROP COLUMN enhanced_rights, DROP COLUMN advocate, DROP COLUMN lead, DROP COLUMN allocated_at`);
  }
}
