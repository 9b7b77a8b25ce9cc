import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';

/** Sentence, release and licence dates of the person of concern on a case; the scheduler publishes on their days. */
@Entity('sentence_dates')
export class SentenceDates {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'custody_start', type: 'date', nullable: true }) custodyStart: string | null;
  @Column({ name: 'expected_release', type: 'date', nullable: true }) expectedRelease: string | null;
  @Column({ name: 'actual_release', type: 'date', nullable: true }) actualRelease: string | null;
  @Column({ name: 'licence_end', type: 'date', nullable: true }) licenceEnd: string | null;
  @Column({ name: 'supervision_end', type: 'date', nullable: true }) supervisionEnd: string | null;

  /** The release date offender.released was published for (once per date; a new date re-arms it). */
  @Column({ name: 'released_on', type: 'date', nullable: true }) releasedOn: string | null;
  @Column({ name: 'release_noticed_for', type: 'date', nullable: true }) releaseNoticedFor: string | null;
  @Column({ name: 'licence_ended_on', type: 'date', nullable: true }) licenceEndedOn: string | null;

  @Column({ name: 'updated_by', type: 'text' }) updatedBy: string;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;

  @VersionColumn()
  version: number;
}
