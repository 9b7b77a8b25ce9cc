import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A person known to S-TAC: victim, person of concern or protected third party, on one or more cases. */
@Entity('person')
export class Person {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'given_name', type: 'text', nullable: true })
  givenName: string | null;

  @Column({ name: 'family_name', type: 'text', nullable: true })
  familyName: string | null;

  @Column({ name: 'date_of_birth', type: 'date', nullable: true })
  dateOfBirth: string | null;

  @Column({ name: 'identity_known', type: 'boolean' })
  identityKnown: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
