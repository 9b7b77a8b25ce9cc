import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Panel membership reaches risk-assessment (domain.md §3 step 7): intake's consultation events seat the
 * same panel on this service's copy of the case, so a panel partner can record a structured professional
 * judgement; cancelling the consultation or closing the case ends the seats.
 * - `consultation_panel`: one row per consultation seen (scheduled, or cancelled before its scheduling
 *   was delivered: the row then stops a late `scheduled` from seating anyone). `scheduled_at` is when
 *   intake scheduled it (the event's `occurredAt`), compared with case closures delivered out of order.
 * - `consultation_panel_seat`: the CONSULTATION_PANEL relationship each seat was given here.
 * - `case_panel_closure`: the latest closing of each case seen; a consultation scheduled before it gets no seat.
 * Reviewed SQL: never edit after landing.
 */
export class ConsultationPanels1796242000000 implements MigrationInterface {
  name = 'ConsultationPanels1796242000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consultation_panel (
        consultation_id uuid PRIMARY KEY,
        case_id         uuid NOT NULL,
        status          text NOT NULL CHECK (status IN ('SEATED', 'ENDED')),
        ended_reason    text CHECK (ended_reason IN ('CANCELLED', 'CASE_CLOSED')),
        scheduled_at    timestamptz,
        recorded_at     timestamptz NOT NULL,
        ended_at        timestamptz,
        CHECK ((status = 'ENDED') = (ended_reason IS NOT NULL AND ended_at IS NOT NULL)),
        CHECK (status = 'ENDED' OR scheduled_at IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX consultation_panel_seated ON consultation_panel (case_id) WHERE status = 'SEATED'`);
    await q.query(`
      CREATE TABLE consultation_panel_seat (
        id              uuid PRIMARY KEY,
        consultation_id uuid NOT NULL REFERENCES consultation_panel (consultation_id),
        agency          text NOT NULL,
        subject         text,
        relationship_id uuid NOT NULL
      )`);
    await q.query(`CREATE INDEX consultation_panel_seat_consultation ON consultation_panel_seat (consultation_id)`);
    await q.query(`
      CREATE TABLE case_panel_closure (
        case_id   uuid PRIMARY KEY,
        closed_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_panel_closure`);
    await q.query(`DROP TABLE consultation_panel_seat`);
    await q.query(`DROP TABLE consultation_panel`);
  }
}
