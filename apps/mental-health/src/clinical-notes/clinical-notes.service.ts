import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ClinicalNoteView, ClinicalNoteWritten, WriteClinicalNoteCommand } from '@stac/contracts';
import { rpcProblem, type RequestContext } from '@stac/runtime';
import { MhConsultation } from '../consultations/mh-consultation.entity';
import { Intervention } from '../interventions/intervention.entity';
import { actorOf } from '../trust-workflow';
import { ClinicalNote } from './clinical-note.entity';
import { TrustDataCipher } from './trust-data-cipher';

const BODY = 'body_enc';

/**
 * Clinical notes (suspect.health, domain.md §6.5): written and read only by the trust's clinicians with the
 * trust's own grant, stored only as ciphertext under the trust's key, and never put in an event, a log line,
 * a shared view or an access-log entry (which carries ids only).
 */
@Injectable()
export class ClinicalNotesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: TrustDataCipher,
  ) {}

  write(cmd: WriteClinicalNoteCommand, ctx: RequestContext): Promise<ClinicalNoteWritten> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'clinical-note.write', cmd, async () => {
        if (cmd.consultationId && !(await m.exists(MhConsultation, { where: { id: cmd.consultationId, caseId: cmd.caseId } }))) {
          throw rpcProblem(404, 'consultation-not-found', 'No such mental-health consultation on this case');
        }
        if (cmd.interventionId && !(await m.exists(Intervention, { where: { id: cmd.interventionId, caseId: cmd.caseId } }))) {
          throw rpcProblem(404, 'intervention-not-found', 'No such intervention on this case');
        }
        const id = randomUUID();
        const writtenAt = ctx.clock.now();
        await m.insert(ClinicalNote, {
          id,
          caseId: cmd.caseId,
          consultationId: cmd.consultationId ?? null,
          interventionId: cmd.interventionId ?? null,
          bodyEnc: this.cipher.seal(cmd.text, id, BODY),
          writtenBy: actorOf(ctx),
          writtenAt,
        });
        await ctx.audit(m, { recordIds: [cmd.caseId, id] });
        return { noteId: id, writtenAt: writtenAt.toISOString() };
      }),
    );
  }

  async list(caseId: string, ctx: RequestContext): Promise<ClinicalNoteView[]> {
    const notes = await this.dataSource.manager.find(ClinicalNote, { where: { caseId }, order: { writtenAt: 'ASC', id: 'ASC' } });
    await ctx.audit(this.dataSource, { recordIds: [caseId, ...notes.map((n) => n.id)] });
    return notes.map((n) => ({
      noteId: n.id,
      consultationId: n.consultationId,
      interventionId: n.interventionId,
      text: this.cipher.open(n.bodyEnc, n.id, BODY),
      writtenBy: n.writtenBy,
      writtenAt: n.writtenAt.toISOString(),
    }));
  }
}
