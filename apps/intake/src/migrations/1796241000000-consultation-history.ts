import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consultations are rescheduled and cancelled with coded reasons (domain.md §3 step 7): an append-only
 * history of every change (scheduled, rescheduled, held, cancelled), with the reason and who changed it.
 * Consultations scheduled before this migration get their SCHEDULED entry (and HELD, from their first
 * decision) so every history starts where the consultation did.
 * Reviewed SQL: never edit after landing.
 */
export class ConsultationHistory1796241000000 implements MigrationInterface {
  name = 'ConsultationHistory1796241000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE consultation ADD CONSTRAINT consultation_status CHECK (status IN ('SCHEDULED', 'HELD', 'CANCELLED'))`);
    await q.query(`
      CREATE TABLE consultation_change (
        id                     uuid PRIMARY KEY,
        consultation_id        uuid NOT NULL REFERENCES consultation (id),
        case_id                uuid NOT NULL REFERENCES stalking_case (id),
        change                 text NOT NULL CHECK (change IN ('SCHEDULED', 'RESCHEDULED', 'HELD', 'CANCELLED')),
        from_status            text CHECK (from_status IN ('SCHEDULED', 'HELD', 'CANCELLED')),
        to_status              text NOT NULL CHECK (to_status IN ('SCHEDULED', 'HELD', 'CANCELLED')),
        scheduled_for          timestamptz NOT NULL,
        previous_scheduled_for timestamptz,
        reason                 text CHECK (reason ~ '^[A-Z_]{2,40}$'),
        note                   text,
        actor                  text NOT NULL,
        occurred_at            timestamptz NOT NULL,
        CHECK (change <> 'RESCHEDULED' OR (previous_scheduled_for IS NOT NULL AND reason IS NOT NULL)),
        CHECK (change <> 'CANCELLED' OR reason IS NOT NULL),
        CHECK (reason IS DISTINCT FROM 'OTHER' OR note IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX consultation_change_consultation ON consultation_change (consultation_id, occurred_at)`);
    await q.query(`
      INSERT INTO consultation_change (id, consultation_id, case_id, change, from_status, to_status, scheduled_for, actor, occurred_at)
      SELECT gen_random_uuid(), k.id, k.case_id, 'SCHEDULED', NULL, 'SCHEDULED', k.scheduled_for, k.scheduled_by, k.scheduled_at
        FROM consultation k`);
    await q.query(`
      INSERT INTO consultation_change (id, consultation_id, case_id, change, from_status, to_status, scheduled_for, actor, occurred_at)
      SELECT gen_random_uuid(), k.id, k.case_id, 'HELD', 'SCHEDULED', 'HELD', k.scheduled_for, d.recorded_by, d.recorded_at
        FROM consultation k
        JOIN LATERAL (SELECT recorded_by, recorded_at FROM consultation_decision WHERE consultation_id = k.id ORDER BY recorded_at LIMIT 1) d ON true
       WHERE k.status = 'HELD'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consultation_change`);
    await q.query(`ALTER TABLE consultation DROP CONSTRAINT consultation_status`);
  }
}
