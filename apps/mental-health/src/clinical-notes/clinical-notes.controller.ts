import { Controller } from '@nestjs/common';
import { ListClinicalNotes, WriteClinicalNote, type ClinicalNoteQuery, type WriteClinicalNoteCommand } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { invalid } from '../trust-workflow';
import { ClinicalNotesService } from './clinical-notes.service';

/** Clinical notes: suspect.health, declared on the operations (written = collected; read with include=). */
@Controller()
export class ClinicalNotesController {
  constructor(private readonly notes: ClinicalNotesService) {}

  @Handles(WriteClinicalNote)
  write(cmd: WriteClinicalNoteCommand, ctx: RequestContext) {
    return this.notes.write(cmd, ctx);
  }

  @Handles(ListClinicalNotes)
  list(q: ClinicalNoteQuery, ctx: RequestContext) {
    // Never silently included: the caller asks for the field group and holds its grant (AC-03).
    if (!ctx.fieldGroups.includes('suspect.health')) throw invalid('include', 'include=suspect.health is required to read clinical notes');
    return this.notes.list(q.caseId, ctx);
  }
}
