import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessControl, AccessLog, isOwningAccess, type Authorized, type FieldGroup } from '@stac/auth';
import { CasePartQuery, type RpcRequest } from '@stac/contracts';
import { parseRpcBody } from '@stac/rpc';

export interface CasePartRead<T> {
  recordType: string;
  load(caseId: string, granted: Authorized & { owning: boolean }): Promise<T | null>;
  /** Ids of the records disclosed, for the access log (the case id is always included). */
  recordIds?(part: T): string[];
}

/**
 * One authorised, audited read of this service's part of a case: decide per request (AC-02/03/09),
 * load, write the access-log row, and only then answer (LAW-01, LAW-02).
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
    const part = await o.load(caseId, { ...granted, owning });
    if (!part) return null;
    await this.accessLog.record(this.dataSource, {
      operation: owning ? 'consultation' : 'disclosure',
      action: 'case.read',
      principal: granted.principal,
      recordType: o.recordType,
      recordIds: [caseId, ...(o.recordIds?.(part) ?? [])],
      fieldGroups: granted.fieldGroups,
      purpose: granted.purpose,
      recipients: [granted.principal.agency],
      decision: granted.decision,
      correlationId: req.correlationId,
    });
    return part;
  }
}
