import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { LIST_RISK_INSTRUMENTS, ListRiskInstrumentsQuery, type InstrumentDefinitionView, type RpcRequest } from '@stac/contracts';
import { AccessControl } from '@stac/auth';
import { parseRpcBody } from '@stac/runtime';
import { InstrumentCatalogue } from './instrument-catalogue';
import { toInstrumentView } from './instrument-definition';

@Controller()
export class InstrumentsController {
  constructor(
    private readonly catalogue: InstrumentCatalogue,
    private readonly access: AccessControl,
  ) {}

  /** Instrument definitions hold no personal data: authorised by role, not audited as a disclosure. */
  @MessagePattern(LIST_RISK_INSTRUMENTS)
  async list(@Payload() req: RpcRequest<unknown>): Promise<InstrumentDefinitionView[]> {
    await this.access.authorize(req, { action: 'risk.instrument.read', recordType: 'instrument-definition', operation: 'consultation' });
    const q = await parseRpcBody(ListRiskInstrumentsQuery, req.body ?? {});
    return (await this.catalogue.list(q.code)).map((i) => toInstrumentView(i.definition, i.latest));
  }
}
