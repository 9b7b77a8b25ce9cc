import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The S-TAC workflow on a case: screening clock and FOUR-test screening, triage, advice to the case
 * officer, lifecycle and criminal-justice stage with their history, protective orders with breaches,
 * and multi-agency consultations (domain.md §3-§4).
 */
export class StacWorkflow1764400000000 implements MigrationInterface {
  name = 'StacWorkflow1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stalking_case
        ADD COLUMN cj_stage       text NOT NULL DEFAULT 'PRE_ARREST',
        ADD COLUMN closure_reason text,
        ADD COLUMN closure_note   text,
        ADD COLUMN closed_at      timestamptz,
        ADD COLUMN reopened_at    timestamptz`);
    await q.query(`
      CREATE TABLE case_transition (
        id          uuid PRIMARY KEY,
        case_id     uuid NOT NULL REFERENCES stalking_case (id),
        machine     text NOT NULL CHECK (machine IN ('STATUS', 'CJ_STAGE')),
        from_state  text NOT NULL,
        to_state    text NOT NULL,
        reason_code text,
        note        text,
        trigger     text,
        actor       text NOT NULL,
        occurred_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX case_transition_case ON case_transition (case_id, occurred_at)`);

    // One clock per screening round: the first at referral, another whenever a closed case re-opens.
    await q.query(`
      CREATE TABLE screening_clock (
        id                  uuid PRIMARY KEY,
        case_id             uuid NOT NULL REFERENCES stalking_case (id),
        round               integer NOT NULL,
        started_at          timestamptz NOT NULL,
        due_at              timestamptz NOT NULL,
        target_working_days integer NOT NULL,
        stopped_at          timestamptz,
        UNIQUE (case_id, round)
      )`);
    await q.query(`CREATE INDEX screening_clock_running ON screening_clock (due_at) WHERE stopped_at IS NULL`);

    await q.query(`
      CREATE TABLE screening (
        id                     uuid PRIMARY KEY,
        case_id                uuid NOT NULL REFERENCES stalking_case (id),
        round                  integer NOT NULL,
        fixated                boolean NOT NULL,
        fixated_note           text NOT NULL,
        obsessive              boolean NOT NULL,
        obsessive_note         text NOT NULL,
        unwanted               boolean NOT NULL,
        unwanted_note          text NOT NULL,
        repeated               boolean NOT NULL,
        repeated_note          text NOT NULL,
        offence_class          text NOT NULL,
        not_stalking_rationale text,
        screened_by            text NOT NULL,
        screened_at            timestamptz NOT NULL,
        CHECK (offence_class NOT IN ('S2', 'S4') OR not_stalking_rationale IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX screening_case ON screening (case_id, screened_at)`);
    await q.query(`
      CREATE TABLE triage_decision (
        id           uuid PRIMARY KEY,
        case_id      uuid NOT NULL REFERENCES stalking_case (id),
        screening_id uuid NOT NULL REFERENCES screening (id),
        decision     text NOT NULL,
        reasons      text[] NOT NULL,
        note         text,
        decided_by   text NOT NULL,
        decided_at   timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX triage_decision_case ON triage_decision (case_id, decided_at)`);

    await q.query(`
      CREATE TABLE advice (
        id                uuid PRIMARY KEY,
        case_id           uuid NOT NULL REFERENCES stalking_case (id),
        document_version  integer NOT NULL,
        checklist_version text NOT NULL,
        status            text NOT NULL,
        case_officer      text,
        note              text,
        issued_by         text NOT NULL,
        issued_at         timestamptz NOT NULL,
        acknowledged_by   text,
        acknowledged_at   timestamptz,
        version           integer NOT NULL,
        UNIQUE (case_id, document_version)
      )`);
    await q.query(`
      CREATE TABLE advice_item (
        id                  uuid PRIMARY KEY,
        advice_id           uuid NOT NULL REFERENCES advice (id),
        case_id             uuid NOT NULL REFERENCES stalking_case (id),
        code                text NOT NULL,
        guidance            text NOT NULL,
        due_at              timestamptz NOT NULL,
        status              text NOT NULL,
        rationale           text,
        victim_views_sought boolean,
        resolved_by         text,
        resolved_at         timestamptz,
        version             integer NOT NULL,
        UNIQUE (advice_id, code),
        CHECK (status <> 'DECLINED' OR rationale IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX advice_item_open_due ON advice_item (due_at) WHERE status = 'OPEN'`);
    await q.query(`CREATE INDEX advice_item_case ON advice_item (case_id)`);

    await q.query(`
      CREATE TABLE protective_order (
        id                       uuid PRIMARY KEY,
        case_id                  uuid NOT NULL REFERENCES stalking_case (id),
        order_type               text NOT NULL,
        status                   text NOT NULL,
        note                     text,
        not_pursued_reason       text,
        reason                   text,
        considered_by            text NOT NULL,
        considered_at            timestamptz NOT NULL,
        applied_at               timestamptz,
        decided_at               timestamptz,
        effective_from           timestamptz,
        expires_at               timestamptz,
        served_at                timestamptz,
        notification_due_at      timestamptz,
        notification_received_at timestamptz,
        expiry_warned_for        timestamptz,
        exclusion_zones          jsonb,
        version                  integer NOT NULL
      )`);
    await q.query(`CREATE INDEX protective_order_case ON protective_order (case_id)`);
    await q.query(
      `CREATE INDEX protective_order_in_force_expiry ON protective_order (expires_at) WHERE status IN ('SERVED', 'ACTIVE', 'VARIED', 'RENEWED')`,
    );
    await q.query(
      `CREATE INDEX protective_order_notification_due ON protective_order (notification_due_at) WHERE notification_due_at IS NOT NULL AND notification_received_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE order_transition (
        id          uuid PRIMARY KEY,
        order_id    uuid NOT NULL REFERENCES protective_order (id),
        from_state  text,
        to_state    text NOT NULL,
        reason      text,
        actor       text NOT NULL,
        occurred_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX order_transition_order ON order_transition (order_id, occurred_at)`);
    await q.query(`
      CREATE TABLE order_breach (
        id          uuid PRIMARY KEY,
        order_id    uuid NOT NULL REFERENCES protective_order (id),
        case_id     uuid NOT NULL REFERENCES stalking_case (id),
        incident_id uuid NOT NULL REFERENCES incident (id),
        occurred_at timestamptz NOT NULL,
        note        text,
        reported_by text NOT NULL,
        reported_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX order_breach_order ON order_breach (order_id, occurred_at)`);

    await q.query(`
      CREATE TABLE consultation (
        id            uuid PRIMARY KEY,
        case_id       uuid NOT NULL REFERENCES stalking_case (id),
        scheduled_for timestamptz NOT NULL,
        status        text NOT NULL,
        scheduled_by  text NOT NULL,
        scheduled_at  timestamptz NOT NULL,
        version       integer NOT NULL
      )`);
    await q.query(`CREATE INDEX consultation_case ON consultation (case_id, scheduled_for)`);
    await q.query(`
      CREATE TABLE consultation_panel_member (
        id              uuid PRIMARY KEY,
        consultation_id uuid NOT NULL REFERENCES consultation (id),
        agency          text NOT NULL,
        subject         text,
        relationship_id uuid NOT NULL
      )`);
    await q.query(`CREATE INDEX consultation_panel_consultation ON consultation_panel_member (consultation_id)`);
    await q.query(`
      CREATE TABLE consultation_decision (
        id              uuid PRIMARY KEY,
        consultation_id uuid NOT NULL REFERENCES consultation (id),
        case_id         uuid NOT NULL REFERENCES stalking_case (id),
        code            text NOT NULL,
        note            text,
        recorded_by     text NOT NULL,
        recorded_at     timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE consultation_action (
        id              uuid PRIMARY KEY,
        consultation_id uuid NOT NULL REFERENCES consultation (id),
        case_id         uuid NOT NULL REFERENCES stalking_case (id),
        description     text NOT NULL,
        owner_agency    text NOT NULL,
        due_at          timestamptz NOT NULL,
        status          text NOT NULL,
        assigned_by     text NOT NULL,
        assigned_at     timestamptz NOT NULL,
        completed_by    text,
        completed_at    timestamptz,
        version         integer NOT NULL
      )`);
    await q.query(`CREATE INDEX consultation_action_open_due ON consultation_action (due_at) WHERE status = 'OPEN'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'consultation_action',
      'consultation_decision',
      'consultation_panel_member',
      'consultation',
      'order_breach',
      'order_transition',
      'protective_order',
      'advice_item',
      'advice',
      'triage_decision',
      'screening',
      'screening_clock',
      'case_transition',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
    await q.query(`
      ALTER TABLE stalking_case
        DROP COLUMN cj_stage, DROP COLUMN closure_reason, DROP COLUMN closure_note, DROP COLUMN closed_at, DROP COLUMN reopened_at`);
  }
}
