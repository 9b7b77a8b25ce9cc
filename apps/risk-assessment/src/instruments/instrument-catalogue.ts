import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RiskInstrument } from '@stac/domain';
import { rpcProblem } from '@stac/runtime';
import { parseInstrumentDefinition, type InstrumentDefinition } from './instrument-definition';

type Queryable = Pick<EntityManager, 'query'>;

/** Instrument versions as stored rows: adding a version is an insert, not a release. */
@Injectable()
export class InstrumentCatalogue {
  constructor(private readonly dataSource: DataSource) {}

  async list(code?: RiskInstrument): Promise<{ definition: InstrumentDefinition; latest: boolean }[]> {
    const rows: { definition: unknown; latest: boolean }[] = await this.dataSource.query(
      `SELECT definition, version = max(version) OVER (PARTITION BY code) AS latest
         FROM instrument_definition WHERE ($1::text IS NULL OR code = $1) ORDER BY code, version`,
      [code ?? null],
    );
    return rows.map((r) => ({ definition: parseInstrumentDefinition(r.definition), latest: r.latest }));
  }

  /** A given version, or the latest when none is named; 422 when the instrument has no such version. */
  async get(code: RiskInstrument, version?: number, db: Queryable = this.dataSource): Promise<InstrumentDefinition> {
    const [row] = await db.query(
      `SELECT definition FROM instrument_definition WHERE code = $1 AND ($2::int IS NULL OR version = $2) ORDER BY version DESC LIMIT 1`,
      [code, version ?? null],
    );
    if (!row) throw rpcProblem(422, 'unknown-instrument-version', `${code} has no version ${version ?? ''}`.trim());
    return parseInstrumentDefinition(row.definition);
  }
}
