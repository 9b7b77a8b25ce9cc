import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The course of conduct (domain.md §4 Incident): who recorded an incident, and the timeline's keyset order. */
export class CourseOfConduct1764300100000 implements MigrationInterface {
  name = 'CourseOfConduct1764300100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE incident ADD COLUMN recorded_by text`);
    await q.query(`CREATE INDEX incident_timeline ON incident (case_id, occurred_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX incident_timeline`);
    await q.query(`ALTER TABLE incident DROP COLUMN recorded_by`);
  }
}
