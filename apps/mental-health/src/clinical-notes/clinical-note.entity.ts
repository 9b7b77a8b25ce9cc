import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A clinical note (suspect.health): only ciphertext under the trust's own key is stored. */
@Entity('clinical_note')
export class ClinicalNote {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'consultation_id', type: 'uuid', nullable: true }) consultationId: string | null;
  @Column({ name: 'intervention_id', type: 'uuid', nullable: true }) interventionId: string | null;
  @Column({ name: 'body_enc', type: 'bytea' }) bodyEnc: Buffer;
  @Column({ name: 'written_by', type: 'text' }) writtenBy: string;
  @Column({ name: 'written_at', type: 'timestamptz' }) writtenAt: Date;
}
