import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessControl, AccessLog, isOwningAccess, type AccessEntry, type Authorized, type FieldGroup } from '@stac/auth';
import { CasePartQuery, type RpcRequest } from '@stac/contracts';
import { parseRpcBody } from '@stac/rpc';

/**
 * Runs one read (a plain SELECT over `$1..$n` of `params`) and writes the part's access-log row in the
 * same statement, when the read returns a row (AccessLog.readLogged): one round trip fewer per part. At
 * most one call per part. A part whose log names records of the part (`recordIds`) passes `o.recordIds`,
 * the same ids as an SQL `text[]` expression over `part` (the rows read), and `o.onlyIf` when the row may be
 * written only in some cases (its other records are read afterwards): then the reader logs after the load.
 */
export type LoggedRead = <R>(sql: string, params: unknown[], o?: { recordIds?: string; onlyIf?: string }) => Promise<R[]>;

export interface CasePartRead<T> {
  recordType: string;
  /** Loads the part; a part read in one statement reads it through `logged`. */
  load(caseId: string, granted: Authorized & { owning: boolean }, logged: LoggedRead): Promise<T | null>;
  /** Ids of the records disclosed, for the access log (the case id is always included). */
  recordIds?(part: T): string[];
  /** The legal basis the access-log row records for this read (a disclosure's agreement), if any. */
  legalBasis?(granted: Authorized & { owning: boolean }): string | undefined;
}

/**
 * One authorised, audited read of this service's part of a case: decide per request (AC-02/03/09),
 * load, write the access-log row (with the load's own statement when it reads through `logged`), and
 * only then answer (LAW-01, LAW-02).
 */
@Injectable()
export class CasePartReader {
  constructor(
    private readonly access: AccessControl,
    private readonly accessLog: AccessLog,
    private readonly dataSource: DataSource,
  ) {}

  async read<T>(req: RpcRequest<unknown>, o: CasePartRead<T>): Promise<T | null> {
    const { caseId, fieldGroups } = await parseRpcBody(CasePartQuery, req.body);
    const granted = await this.access.authorize(req, {
      action: 'case.read',
      caseId,
      fieldGroups: fieldGroups as FieldGroup[] | undefined,
      recordType: o.recordType,
      operation: 'consultation',
    });
    const owning = isOwningAccess(granted.decision);
    const entry = (recordIds: string[]): AccessEntry => ({
      operation: owning ? 'consultation' : 'disclosure',
      action: 'case.read',
      principal: granted.principal,
      recordType: o.recordType,
      recordIds,
      fieldGroups: granted.fieldGroups,
      purpose: granted.purpose,
      legalBasis: o.legalBasis?.({ ...granted, owning }),
      recipients: [granted.principal.agency],
      decision: granted.decision,
      correlationId: req.correlationId,
    });
    let reads = 0;
    // The record ids written by the logged read, when it wrote the row.
    let logged: string[] | undefined;
    const loggedRead: LoggedRead = async <R>(sql: string, params: unknown[], lo: { recordIds?: string; onlyIf?: string } = {}) => {
      if (o.recordIds && !lo.recordIds) throw new Error(`${o.recordType}: a part whose log names its records logs after the load, or names them in SQL`);
      if (reads++) throw new Error(`${o.recordType}: one logged read per part`);
      const rows = await this.accessLog.readLogged<R & { access_logged_ids?: string[] | null }>(this.dataSource, sql, params, entry([caseId]), lo);
      if (rows.length) logged = lo.recordIds || lo.onlyIf ? (rows[0].access_logged_ids ?? undefined) : [caseId];
      return rows;
    };
    const part = await o.load(caseId, { ...granted, owning }, loggedRead);
    if (!part) return null;
    const disclosed = [caseId, ...(o.recordIds?.(part) ?? [])];
    if (!logged) await this.accessLog.record(this.dataSource, entry(disclosed));
    // LAW-02: the row written with the read names exactly what the answer discloses, or nothing leaves.
    else if (o.recordIds && (logged.length !== disclosed.length || logged.some((id, i) => id !== disclosed[i]))) {
      throw new Error(`${o.recordType}: the logged read named other records than the part discloses`);
    }
    return part;
  }
}
