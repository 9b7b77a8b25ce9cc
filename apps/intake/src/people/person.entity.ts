import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

/**
 * A person known to S-TAC: victim, person of concern or protected third party, on one or more cases
 * (domain.md §4). Identity may be unknown. Every personal value is encrypted with the agency key, bound
 * to this row's id (DP-02); names are findable only through `person_match_key` keyed hashes.
 */
@Entity('person')
export class Person {
  @PrimaryColumn('uuid')
  id: string;

  /** AES-256-GCM of {givenName, familyName, dateOfBirth}; null when nothing is known. */
  @Column({ name: 'identity_enc', type: 'bytea', nullable: true })
  identityEnc: Buffer | null;

  /** AES-256-GCM of known identifiers [{kind, value}] (PNC, NHS number...). */
  @Column({ name: 'identifiers_enc', type: 'bytea', nullable: true })
  identifiersEnc: Buffer | null;

  /** AES-256-GCM of previous names and aliases [{kind, givenName, familyName, usedFrom, usedTo}]. */
  @Column({ name: 'other_names_enc', type: 'bytea', nullable: true })
  otherNamesEnc: Buffer | null;

  /** AES-256-GCM of {phone, email}: field group `victim.contact` (AC-03). */
  @Column({ name: 'contact_enc', type: 'bytea', nullable: true })
  contactEnc: Buffer | null;

  /** AES-256-GCM of {address, postcode}: field group `victim.location` (AC-03). */
  @Column({ name: 'location_enc', type: 'bytea', nullable: true })
  locationEnc: Buffer | null;

  @Column({ name: 'identity_known', type: 'boolean' })
  identityKnown: boolean;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
