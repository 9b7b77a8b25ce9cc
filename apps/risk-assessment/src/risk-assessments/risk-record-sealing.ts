import { Injectable } from '@nestjs/common';
import { DataSource, type EntitySubscriberInterface, type InsertEvent, type UpdateEvent } from 'typeorm';
import { RISK_ASSESSMENT_DATA_KEYS_VAR } from '@stac/config';
import { JsonSealer, KeyRing, keyRingFromEnv } from '@stac/persistence';
import { RiskAssessment } from './risk-assessment.entity';

/** The sealed fields of a risk assessment and the column label each is bound to (with the assessment id). */
export const SEALED_FIELDS = [
  { field: 'rationale', sealed: 'rationaleEnc', unsealed: 'rationaleUnsealed', label: 'rationale' },
  { field: 'formulation', sealed: 'formulationEnc', unsealed: 'formulationUnsealed', label: 'formulation' },
] as const;

/** The police's key ring in risk-assessment (RISK_ASSESSMENT_DATA_KEYS, DP-02). */
export class RiskRecordCipher extends JsonSealer {
  static fromEnv(env: NodeJS.ProcessEnv = process.env): RiskRecordCipher {
    return new RiskRecordCipher(keyRingFromEnv('RISK_ASSESSMENT_DATA_KEYS', RISK_ASSESSMENT_DATA_KEYS_VAR, env));
  }

  static generate(): RiskRecordCipher {
    return new RiskRecordCipher(KeyRing.generate());
  }
}

/**
 * Rationale and formulation (field group risk.rationale, which may hold health detail) are encrypted at
 * rest (DP-02): sealed into their `_enc` columns whenever an assessment is saved (clearing any plaintext a
 * row still held from before), opened when one is loaded. A subscriber of the service's data source, so
 * every load and insert of a RiskAssessment goes through it; a save that changes them calls `seal` first
 * (TypeORM picks the changed columns before beforeUpdate). A partial update that does not carry the fields
 * leaves them alone.
 */
@Injectable()
export class RiskRecordSealing implements EntitySubscriberInterface<RiskAssessment> {
  constructor(
    dataSource: DataSource,
    private readonly cipher: RiskRecordCipher,
  ) {
    dataSource.subscribers.push(this);
  }

  listenTo() {
    return RiskAssessment;
  }

  afterLoad(a: RiskAssessment): void {
    for (const f of SEALED_FIELDS) {
      const sealed = a[f.sealed];
      if (sealed === undefined) continue; // not selected
      // Plaintext beside a ciphertext was written after it, by an instance of the release before sealing
      // (a rolling upgrade): it is the newer value. This release's saves always clear it.
      const unsealed = a[f.unsealed] ?? null;
      a[f.field] = unsealed !== null || !sealed ? unsealed : this.cipher.open<string>(sealed, a.id, f.label);
    }
  }

  beforeInsert(e: InsertEvent<RiskAssessment>): void {
    this.seal(e.entity);
  }

  beforeUpdate(e: UpdateEvent<RiskAssessment>): void {
    if (e.entity) this.seal(e.entity as RiskAssessment);
  }

  /**
   * Seals the fields into their columns now. TypeORM decides what a save updates before it calls
   * beforeUpdate, so a save that changes only these (non-column) fields must seal first.
   */
  seal(a: RiskAssessment): void {
    for (const f of SEALED_FIELDS) {
      const value = a[f.field];
      if (value === undefined) continue;
      a[f.sealed] = value === null ? null : this.cipher.seal(value, a.id, f.label);
      a[f.unsealed] = null;
    }
  }
}
