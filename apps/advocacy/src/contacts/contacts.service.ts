import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ContactCommand, ContactView } from '@stac/contracts';
import type { ContactChannel, ContactOutcome, ContactPurpose } from '@stac/domain';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { CharityCipher } from '../charity-data/charity-cipher';
import { lockOffer } from '../victim-support/victim-support-record';

const NOTES = 'notes_enc';

interface ContactRow {
  id: string;
  contact_at: Date;
  channel: ContactChannel;
  purposes: ContactPurpose[];
  outcome: ContactOutcome;
  next_contact_due: Date | null;
  notes_enc: Buffer | null;
  recorded_by: string;
}

/**
 * The contact log (domain.md §4 AdvocacyContact): when, how, why (codes), the outcome and when next.
 * Notes are advocacy.notes: sealed with the charity's own key and opened only for a caller holding that
 * field group who asked for it (AC-03) — never in events, logs or other agencies' answers.
 */
@Injectable()
export class ContactsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly cipher: CharityCipher,
  ) {}

  record(cmd: ContactCommand, ctx: RequestContext): Promise<ContactView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'advocacy.contact.record', cmd, async () => {
        const now = this.clock.now();
        await lockOffer(m, cmd.caseId);
        const contactAt = new Date(cmd.contactAt);
        if (contactAt.getTime() > now.getTime() + 5 * 60_000) throw invalid('contactAt', 'contactAt cannot be in the future');
        const next = cmd.nextContactDue ? new Date(cmd.nextContactDue) : null;
        if (next && next.getTime() < contactAt.getTime()) throw invalid('nextContactDue', 'nextContactDue is before the contact');
        const id = randomUUID();
        await m.query(
          `INSERT INTO advocacy_contact (id, case_id, contact_at, channel, purposes, outcome, next_contact_due, notes_enc, recorded_by, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [id, cmd.caseId, contactAt, cmd.channel, cmd.purposes, cmd.outcome, next, cmd.notes ? this.cipher.seal(cmd.notes, id, NOTES) : null, ctx.principal.subject, now],
        );
        await ctx.audit(m, { recordIds: [cmd.caseId, id] });
        const [row]: ContactRow[] = await m.query(`SELECT * FROM advocacy_contact WHERE id = $1`, [id]);
        // The answer echoes notes only to a caller who holds advocacy.notes (sending notes already required it).
        return this.view(row, ctx.fieldGroups.includes('advocacy.notes'));
      }),
    );
  }

  async list(caseId: string, ctx: RequestContext): Promise<ContactView[]> {
    const rows: ContactRow[] = await this.dataSource.query(`SELECT * FROM advocacy_contact WHERE case_id = $1 ORDER BY contact_at DESC, id`, [caseId]);
    return rows.map((r) => this.view(r, ctx.fieldGroups.includes('advocacy.notes')));
  }

  private view(r: ContactRow, withNotes: boolean): ContactView {
    return {
      contactId: r.id,
      contactAt: r.contact_at.toISOString(),
      channel: r.channel,
      purposes: r.purposes,
      outcome: r.outcome,
      nextContactDue: r.next_contact_due?.toISOString() ?? null,
      recordedBy: r.recorded_by,
      hasNotes: r.notes_enc !== null,
      ...(withNotes ? { notes: r.notes_enc ? this.cipher.open<string>(r.notes_enc, r.id, NOTES) : null } : {}),
    };
  }
}

function invalid(field: string, message: string) {
  return rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field, message }] });
}
