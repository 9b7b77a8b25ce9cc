import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AdvocacySchema1764201900000 implements MigrationInterface {
  name = 'AdvocacySchema1764201900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE advocacy_offer (
        id        uuid PRIMARY KEY,
        case_id   uuid NOT NULL UNIQUE,
        victim_id uuid NOT NULL,
        status    text NOT NULL,
        opened_at timestamptz NOT NULL,
        version   integer NOT NULL
      )`);
    await q.query(`CREATE INDEX advocacy_offer_pending ON advocacy_offer (opened_at) WHERE status = 'PENDING'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE advocacy_offer`);
  }
}
