import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The CPS part of the police case file: early advice requests and charging decisions (D10). */
export class Cps1796130000000 implements MigrationInterface {
  name = 'Cps1796130000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cps_advice_request (
        id             uuid PRIMARY KEY,
        case_id        uuid NOT NULL REFERENCES stalking_case (id),
        status         text NOT NULL CHECK (status IN ('REQUESTED', 'ANSWERED')),
        question       text NOT NULL,
        evidence_areas text[] NOT NULL,
        requested_by   text NOT NULL,
        requested_at   timestamptz NOT NULL,
        due_at         timestamptz NOT NULL,
        advice_codes   text[],
        note           text,
        answered_by    text,
        answered_at    timestamptz,
        CHECK ((status = 'ANSWERED') = (answered_at IS NOT NULL AND advice_codes IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX cps_advice_request_case ON cps_advice_request (case_id, requested_at)`);
    await q.query(`CREATE INDEX cps_advice_request_due ON cps_advice_request (due_at, id) WHERE status = 'REQUESTED'`);
    await q.query(`
      CREATE TABLE cps_charging_decision (
        id             uuid PRIMARY KEY,
        case_id        uuid NOT NULL REFERENCES stalking_case (id),
        decision       text NOT NULL CHECK (decision IN ('CHARGE_S4A', 'CHARGE_S2A', 'NO_FURTHER_ACTION', 'FURTHER_EVIDENCE')),
        review_date    date,
        reason         text,
        cj_stage_after text NOT NULL,
        decided_by     text NOT NULL,
        decided_at     timestamptz NOT NULL,
        CHECK ((decision = 'FURTHER_EVIDENCE') = (review_date IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX cps_charging_decision_case ON cps_charging_decision (case_id, decided_at)`);
    // Cases awaiting a charging decision, for the prosecutor's worklist.
    await q.query(`CREATE INDEX stalking_case_charge_requested ON stalking_case (id) WHERE cj_stage = 'CHARGE_REQUESTED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX stalking_case_charge_requested`);
    await q.query(`DROP TABLE cps_charging_decision`);
    await q.query(`DROP TABLE cps_advice_request`);
  }
}
