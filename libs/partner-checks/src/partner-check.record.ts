import { Column, PrimaryColumn, VersionColumn } from 'typeorm';
import type { CheckStatus } from '@stac/domain';

/**
 * Why a check was opened: the case's referral, a person of concern named on the case later, or a person of
 * concern recorded with identity unknown who has now been identified (checked again by who they are).
 */
export const CHECK_REASONS = ['REFERRAL', 'NEW_PERSON_OF_CONCERN', 'PERSON_IDENTIFIED'] as const;
export type CheckReason = (typeof CHECK_REASONS)[number];

/**
 * The columns every partner agency's check shares (domain.md §3 H2): one check per (case, person of
 * concern, reason), REQUESTED until the agency answers with its own code and a contact route, due on the working-day
 * calendar. An agency's entity extends this with `@Entity('<its table>')` and adds its own answer columns
 * (mental health: YES | NO | UNKNOWN; probation: a supervision status located by probation case reference).
 */
export abstract class PartnerCheckRecord {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  /** The platform's pseudonymous id of the person of concern. */
  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  @Column({ type: 'text' })
  status: CheckStatus;

  @Column({ type: 'text' })
  reason: CheckReason;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @Column({ name: 'answered_by', type: 'text', nullable: true })
  answeredBy: string | null;

  /** The contact route (professional contact only): team, role, how to reach them. */
  @Column({ name: 'contact_team', type: 'text', nullable: true })
  contactTeam: string | null;

  @Column({ name: 'contact_role', type: 'text', nullable: true })
  contactRole: string | null;

  @Column({ name: 'contact_how_to_reach', type: 'text', nullable: true })
  contactHowToReach: string | null;

  @VersionColumn()
  version: number;
}

/**
 * The SQL columns `PartnerCheckRecord` needs, for an agency's migration (`CREATE TABLE <t> (${PARTNER_CHECK_COLUMNS}, <own columns>)`
 * or the ALTERs of an existing table). Kept here so every agency's table has the same shape.
 */
export const PARTNER_CHECK_COLUMNS = `
  id                   uuid PRIMARY KEY,
  case_id              uuid NOT NULL,
  person_id            uuid NOT NULL,
  status               text NOT NULL,
  reason               text NOT NULL,
  requested_at         timestamptz NOT NULL,
  due_at               timestamptz NOT NULL,
  answered_at          timestamptz,
  answered_by          text,
  contact_team         text,
  contact_role         text,
  contact_how_to_reach text,
  version              integer NOT NULL,
  UNIQUE (case_id, person_id, reason)`;
