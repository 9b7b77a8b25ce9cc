import { Controller } from '@nestjs/common';
import { ListRiskInstruments, type ListRiskInstrumentsQuery } from '@stac/contracts';
import { Handles } from '@stac/runtime';
import { InstrumentCatalogue } from './instrument-catalogue';
import { toInstrumentView } from './instrument-definition';

@Controller()
export class InstrumentsController {
  constructor(private readonly catalogue: InstrumentCatalogue) {}

  /** Instrument definitions hold no personal data: authorised by role, not audited as a disclosure. */
  @Handles(ListRiskInstruments)
  async list(q: ListRiskInstrumentsQuery) {
    return (await this.catalogue.list(q.code)).map((i) => toInstrumentView(i.definition, i.latest));
  }
}
