import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counter-allegations (domain.md §4 Person: "counter-allegations happen"): two cases on which the same two
 * people stand with their roles swapped — the victim of one is the person of concern of the other and the
 * other way round. Recorded as a link between the two cases, never a merge. Stored once per pair, the case
 * with the smaller id first; each side's people are the records on that case, and the links say how the
 * records are the same human: the same record (null) or a duplicate candidate (its status decides, when
 * read, whether the link still stands).
 */
export class CounterAllegations1796251010000 implements MigrationInterface {
  name = 'CounterAllegations1796251010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE counter_allegation (
        id             uuid PRIMARY KEY,
        case_a         uuid NOT NULL REFERENCES stalking_case (id),
        a_victim_id    uuid NOT NULL REFERENCES person (id),
        a_suspect_id   uuid NOT NULL REFERENCES person (id),
        case_b         uuid NOT NULL REFERENCES stalking_case (id),
        b_victim_id    uuid NOT NULL REFERENCES person (id),
        b_suspect_id   uuid NOT NULL REFERENCES person (id),
        a_victim_link  uuid REFERENCES duplicate_candidate (id),
        a_suspect_link uuid REFERENCES duplicate_candidate (id),
        detected_on    uuid NOT NULL,
        detected_at    timestamptz NOT NULL,
        CHECK (case_a < case_b),
        UNIQUE (case_a, a_victim_id, a_suspect_id, case_b, b_victim_id, b_suspect_id)
      )`);
    await q.query(`CREATE INDEX counter_allegation_case_b ON counter_allegation (case_b)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE counter_allegation`);
  }
}
