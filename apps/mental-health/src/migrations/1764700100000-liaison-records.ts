import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The trust's liaison and intervention records (domain.md §4 mental-health): consultations with their
 * shareable advice and recommendation, clinical notes (ciphertext only, the trust's key), co-working and
 * diversion arrangements with history, interventions with transitions and sessions, the Caldicott
 * guardian's disclosure reviews, and the first answers of idempotent commands.
 */
export class LiaisonRecords1764700100000 implements MigrationInterface {
  name = 'LiaisonRecords1764700100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_record (
        key          text PRIMARY KEY,
        request_hash text NOT NULL,
        response     jsonb,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE mh_consultation (
        id                   uuid PRIMARY KEY,
        case_id              uuid NOT NULL,
        stac_consultation_id uuid,
        question             text NOT NULL,
        urgency              text NOT NULL,
        requested_by         text NOT NULL,
        requested_by_agency  text NOT NULL,
        requested_at         timestamptz NOT NULL,
        status               text NOT NULL,
        advice_summary       text,
        recommendation       text,
        advice_shared_at     timestamptz,
        closed_at            timestamptz,
        updated_at           timestamptz NOT NULL,
        version              integer NOT NULL
      )`);
    await q.query(`CREATE INDEX mh_consultation_case ON mh_consultation (case_id)`);
    await q.query(`CREATE INDEX mh_consultation_open ON mh_consultation (status, requested_at, id) WHERE status <> 'CLOSED'`);
    await q.query(`
      CREATE TABLE clinical_note (
        id              uuid PRIMARY KEY,
        case_id         uuid NOT NULL,
        consultation_id uuid REFERENCES mh_consultation (id),
        intervention_id uuid,
        body_enc        bytea NOT NULL,
        written_by      text NOT NULL,
        written_at      timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX clinical_note_case ON clinical_note (case_id, written_at)`);
    await q.query(`
      CREATE TABLE mh_arrangement (
        id                uuid PRIMARY KEY,
        case_id           uuid NOT NULL,
        kind              text NOT NULL,
        status            text NOT NULL,
        lead_agency       text,
        named_clinician   text,
        review_date       timestamptz,
        diversion_outcome text,
        consultation_id   uuid,
        created_at        timestamptz NOT NULL,
        version           integer NOT NULL
      )`);
    await q.query(`CREATE INDEX mh_arrangement_case ON mh_arrangement (case_id)`);
    await q.query(`CREATE INDEX mh_arrangement_review ON mh_arrangement (review_date, id) WHERE status = 'ACTIVE' AND review_date IS NOT NULL`);
    await q.query(`
      CREATE TABLE mh_arrangement_change (
        id             uuid PRIMARY KEY,
        arrangement_id uuid NOT NULL REFERENCES mh_arrangement (id),
        change         text NOT NULL,
        changed_by     text NOT NULL,
        changed_at     timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX mh_arrangement_change_of ON mh_arrangement_change (arrangement_id, changed_at)`);
    await q.query(`
      CREATE TABLE intervention (
        id                           uuid PRIMARY KEY,
        case_id                      uuid NOT NULL,
        status                       text NOT NULL,
        legal_basis                  text NOT NULL,
        voluntary_agreement_recorded boolean NOT NULL,
        order_id                     uuid,
        programme                    text,
        suitability_reasons          text[] NOT NULL DEFAULT '{}',
        waiting_since                timestamptz,
        sessions_planned             integer NOT NULL DEFAULT 0,
        proposed_at                  timestamptz NOT NULL,
        version                      integer NOT NULL
      )`);
    await q.query(`CREATE INDEX intervention_case ON intervention (case_id)`);
    await q.query(`CREATE INDEX intervention_waiting ON intervention (waiting_since, id) WHERE status = 'SUITABLE'`);
    await q.query(`
      CREATE TABLE intervention_transition (
        id              uuid PRIMARY KEY,
        intervention_id uuid NOT NULL REFERENCES intervention (id),
        from_state      text,
        to_state        text NOT NULL,
        reason          text,
        actor           text NOT NULL,
        occurred_at     timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX intervention_transition_of ON intervention_transition (intervention_id, occurred_at)`);
    await q.query(`
      CREATE TABLE intervention_session (
        id              uuid PRIMARY KEY,
        intervention_id uuid NOT NULL REFERENCES intervention (id),
        case_id         uuid NOT NULL,
        scheduled_for   timestamptz NOT NULL,
        status          text NOT NULL,
        recorded_by     text,
        recorded_at     timestamptz
      )`);
    await q.query(`CREATE INDEX intervention_session_of ON intervention_session (intervention_id, scheduled_for)`);
    await q.query(`CREATE INDEX intervention_session_planned ON intervention_session (scheduled_for, id) WHERE status = 'PLANNED'`);
    await q.query(`
      CREATE TABLE disclosure_review (
        access_log_id uuid PRIMARY KEY,
        outcome       text NOT NULL,
        note          text,
        reviewed_by   text NOT NULL,
        reviewed_at   timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'disclosure_review',
      'intervention_session',
      'intervention_transition',
      'intervention',
      'mh_arrangement_change',
      'mh_arrangement',
      'clinical_note',
      'mh_consultation',
      'idempotency_record',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
