import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  CommunicationCommand,
  CommunicationView,
  ContactPreferencesCommand,
  ContactPreferencesSubmission,
  ContactPreferencesView,
} from '@stac/contracts';
import type { ContactChannel, ContactPurpose, ContactRefusal, UpdateDeliveryMethod } from '@stac/domain';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { CharityCipher } from '../charity-data/charity-cipher';
import { consentInForce, headersOf, lockOffer } from '../victim-support/victim-support-record';
import { VictimUpdatesService } from '../victim-updates/victim-updates.service';
import { MessageTransports } from './message-transports';
import { checkSafeContact, type Refusal } from './safe-contact-rules';

const PREFS = 'prefs_enc';

interface CommunicationRow {
  id: string;
  channel: ContactChannel;
  purpose: ContactPurpose;
  status: 'SENT' | 'REFUSED' | 'FAILED';
  refusal: ContactRefusal | null;
  reason: string | null;
  requested_by: string;
  at: Date;
}

const view = (r: CommunicationRow): CommunicationView => ({
  communicationId: r.id,
  channel: r.channel,
  purpose: r.purpose,
  status: r.status,
  refusal: r.refusal,
  reason: r.reason,
  requestedBy: r.requested_by,
  at: r.at.toISOString(),
});

/**
 * Safe contact (domain.md §6.1): the victim's preferences, sealed as victim.contact, and the ONE path by
 * which the platform sends anything to the victim. It checks the rules first and refuses with a stated
 * reason; sends, failures and refusals are all recorded (never the message itself).
 */
@Injectable()
export class SafeContactService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly cipher: CharityCipher,
    private readonly transports: MessageTransports,
    private readonly updates: VictimUpdatesService,
  ) {}

  setPreferences(cmd: ContactPreferencesCommand, ctx: RequestContext): Promise<ContactPreferencesView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const o = await lockOffer(m, cmd.caseId);
      const overlap = cmd.safeChannels.filter((c) => cmd.neverUse.includes(c));
      if (overlap.length) {
        throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'neverUse', message: `${overlap.join(', ')} cannot be both safe and never to use` }] });
      }
      const { caseId: _c, ...prefs } = cmd;
      await m.query(
        `INSERT INTO contact_preferences (case_id, prefs_enc, updated_by, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (case_id) DO UPDATE SET prefs_enc = excluded.prefs_enc, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        [o.case_id, this.cipher.seal(prefs, o.case_id, PREFS), ctx.principal.subject, now],
      );
      await ctx.audit(m, { recordIds: [o.case_id] });
      return { ...(prefs as ContactPreferencesSubmission), caseId: o.case_id, updatedAt: now.toISOString() };
    });
  }

  async getPreferences(caseId: string): Promise<ContactPreferencesView> {
    const [row] = await this.dataSource.query(`SELECT * FROM contact_preferences WHERE case_id = $1`, [caseId]);
    if (!row) throw rpcProblem(404, 'preferences-not-found', 'No contact preferences are recorded for this victim');
    return { ...this.cipher.open<ContactPreferencesSubmission>(row.prefs_enc, caseId, PREFS), caseId, updatedAt: (row.updated_at as Date).toISOString() };
  }

  async send(cmd: CommunicationCommand, ctx: RequestContext): Promise<CommunicationView> {
    const now = this.clock.now();
    const checked = await this.dataSource.transaction(async (m) => {
      const o = await lockOffer(m, cmd.caseId);
      const [row] = await m.query(`SELECT prefs_enc FROM contact_preferences WHERE case_id = $1`, [cmd.caseId]);
      if (cmd.obligationId) await this.updates.lock(m, cmd.caseId, cmd.obligationId);
      let refusal: Refusal | null = null;
      let prefs: ContactPreferencesSubmission | null = null;
      if (!consentInForce(o.consent_state)) refusal = { refusal: 'CONSENT_NOT_IN_FORCE', reason: `Consent to advocacy is ${o.consent_state ?? 'not recorded'}` };
      else if (!row) refusal = { refusal: 'NO_PREFERENCES_RECORDED', reason: 'Record the victim\'s safe contact preferences first' };
      else {
        prefs = this.cipher.open<ContactPreferencesSubmission>(row.prefs_enc, cmd.caseId, PREFS);
        refusal = checkSafeContact(prefs, cmd.channel, now);
      }
      if (refusal) {
        const id = await this.record(m, cmd, ctx, now, 'REFUSED', refusal);
        await ctx.audit(m, { recordIds: [cmd.caseId, id], processing: 'consultation', justification: `refused: ${refusal.refusal}` });
        return { refused: { id, ...refusal }, prefs: null };
      }
      return { refused: null, prefs: prefs! };
    });
    if (checked.refused) {
      const r = checked.refused;
      throw rpcProblem(422, 'contact-refused', 'The safe contact rules refuse this message', {
        detail: `${r.refusal}: ${r.reason} (recorded as communication ${r.id})`,
      });
    }
    const transport = this.transports.for(cmd.channel);
    let failure: string | null = transport ? null : `No ${cmd.channel} transport is configured`;
    if (transport) {
      try {
        await transport.send({ to: { email: checked.prefs!.email, phone: checked.prefs!.phone }, subject: cmd.subject, body: cmd.body });
      } catch {
        failure = `The ${cmd.channel} transport did not accept the message`;
      }
    }
    const at = this.clock.now();
    const id = await this.dataSource.transaction(async (m) => {
      const commId = await this.record(m, cmd, ctx, at, failure ? 'FAILED' : 'SENT', failure ? { refusal: null, reason: failure } : null);
      if (!failure && cmd.obligationId) {
        const ob = await this.updates.lock(m, cmd.caseId, cmd.obligationId);
        if (ob.status === 'OPEN') await this.updates.markDelivered(m, ob, at, cmd.channel as UpdateDeliveryMethod, ctx.principal.subject, headersOf(ctx));
      }
      await ctx.audit(m, { recordIds: [cmd.caseId, commId, ...(cmd.obligationId ? [cmd.obligationId] : [])], recipients: ['victim'] });
      return commId;
    });
    if (failure) throw rpcProblem(503, 'channel-unavailable', failure, { detail: `Recorded as communication ${id}` });
    const [row]: CommunicationRow[] = await this.dataSource.query(`SELECT * FROM outbound_communication WHERE id = $1`, [id]);
    return view(row);
  }

  async list(caseId: string): Promise<CommunicationView[]> {
    const rows: CommunicationRow[] = await this.dataSource.query(`SELECT * FROM outbound_communication WHERE case_id = $1 ORDER BY at, seq`, [caseId]);
    return rows.map(view);
  }

  private async record(
    m: EntityManager,
    cmd: CommunicationCommand,
    ctx: RequestContext,
    at: Date,
    status: CommunicationRow['status'],
    why: { refusal: ContactRefusal | null; reason: string } | null,
  ): Promise<string> {
    const id = randomUUID();
    await m.query(
      `INSERT INTO outbound_communication (id, case_id, channel, purpose, status, refusal, reason, obligation_id, requested_by, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, cmd.caseId, cmd.channel, cmd.purpose, status, why?.refusal ?? null, why?.reason ?? null, cmd.obligationId ?? null, ctx.principal.subject, at],
    );
    return id;
  }
}
