import type { DatabaseService } from '@stac/config';
import type { EncryptedTable } from '@stac/persistence';

/**
 * A service's first answers to Idempotency-Keys (libs/runtime IdempotencyRecords): sealed under the
 * service's ring, bound to the record's key, since an answer can echo sealed fields.
 */
const idempotency = (table: string): EncryptedTable => ({ table, rowId: 'key', columns: [{ column: 'response', label: 'response', format: 'sealed-json' }] });

/**
 * Every encrypted column of every service (DP-02), with the label its ciphertexts are bound to (the
 * services' `seal(value, rowId, label)` calls) and the row id they are bound to. The rotation int test
 * checks this list against the `_enc` columns of each migrated database, so a new one cannot be missed.
 */
export const ENCRYPTED_TABLES: Record<DatabaseService, readonly EncryptedTable[]> = {
  intake: [
    {
      table: 'person',
      rowId: 'id',
      version: 'version',
      columns: [
        { column: 'identity_enc', label: 'identity' },
        { column: 'identifiers_enc', label: 'identifiers' },
        { column: 'other_names_enc', label: 'other_names' },
        { column: 'contact_enc', label: 'contact' },
        { column: 'location_enc', label: 'location' },
      ],
    },
    { table: 'protective_order', rowId: 'id', version: 'version', columns: [{ column: 'exclusion_zones_enc', label: 'exclusion_zones' }] },
    idempotency('idempotency_record'),
  ],
  'risk-assessment': [
    {
      table: 'risk_assessment',
      rowId: 'id',
      version: 'version',
      // Expand/contract: rows saved before DP-02 sealing still hold plaintext; the rotation seals and clears it.
      columns: [
        { column: 'rationale_enc', label: 'rationale', plaintext: 'rationale' },
        { column: 'formulation_enc', label: 'formulation', plaintext: 'formulation' },
      ],
    },
    idempotency('risk_idempotency_record'),
  ],
  advocacy: [
    { table: 'consent_record', rowId: 'id', columns: [{ column: 'justification_enc', label: 'justification_enc' }] },
    { table: 'advocacy_contact', rowId: 'id', columns: [{ column: 'notes_enc', label: 'notes_enc' }] },
    { table: 'contact_preferences', rowId: 'case_id', columns: [{ column: 'prefs_enc', label: 'prefs_enc' }] },
    { table: 'victim_situation_change', rowId: 'id', columns: [{ column: 'details_enc', label: 'details_enc' }] },
    { table: 'feedback_response', rowId: 'id', columns: [{ column: 'free_text_enc', label: 'free_text_enc' }] },
    idempotency('idempotency_record'),
  ],
  'mental-health': [{ table: 'clinical_note', rowId: 'id', columns: [{ column: 'body_enc', label: 'body_enc' }] }, idempotency('idempotency_record')],
  probation: [
    {
      table: 'probation_consultation',
      rowId: 'id',
      columns: [
        { column: 'exclusion_zones_enc', label: 'exclusion_zones' },
        // Expand/contract: summaries recorded before sealing still hold plaintext; the rotation seals and clears it.
        { column: 'summary_enc', label: 'summary', plaintext: 'summary' },
      ],
    },
    idempotency('idempotency_record'),
  ],
};
