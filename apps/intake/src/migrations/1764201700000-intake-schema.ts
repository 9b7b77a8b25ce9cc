import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IntakeSchema1764201700000 implements MigrationInterface {
  name = 'IntakeSchema1764201700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stalking_case (
        id                     uuid PRIMARY KEY,
        crime_reference        text NOT NULL UNIQUE,
        source                 text NOT NULL,
        offence_class          text NOT NULL,
        not_stalking_rationale text,
        flags                  text[] NOT NULL DEFAULT '{}',
        bcu                    text NOT NULL,
        case_officer           text,
        status                 text NOT NULL,
        referred_at            timestamptz NOT NULL,
        version                integer NOT NULL,
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX stalking_case_status ON stalking_case (status, referred_at)`);
    await q.query(`
      CREATE TABLE person (
        id             uuid PRIMARY KEY,
        given_name     text,
        family_name    text,
        date_of_birth  date,
        identity_known boolean NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE case_participant (
        case_id    uuid NOT NULL REFERENCES stalking_case (id),
        person_id  uuid NOT NULL REFERENCES person (id),
        role       text NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_to   timestamptz,
        PRIMARY KEY (case_id, person_id, role)
      )`);
    await q.query(`CREATE INDEX case_participant_person ON case_participant (person_id)`);
    await q.query(`
      CREATE TABLE incident (
        id          uuid PRIMARY KEY,
        case_id     uuid NOT NULL REFERENCES stalking_case (id),
        occurred_at timestamptz NOT NULL,
        behaviours  text[] NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX incident_case_time ON incident (case_id, occurred_at)`);
    await q.query(`
      CREATE TABLE idempotency_record (
        key          text PRIMARY KEY,
        request_hash text NOT NULL,
        response     jsonb,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['idempotency_record', 'incident', 'case_participant', 'person', 'stalking_case']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
