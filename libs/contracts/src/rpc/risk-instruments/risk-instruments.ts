import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ASSESSMENT_SUBJECTS, RISK_INSTRUMENTS, type AssessmentSubject, type RiskInstrument } from '@stac/domain';

export const LIST_RISK_INSTRUMENTS = 'rpc.risk-assessment.instrument.list';

export class ListRiskInstrumentsQuery {
  @ApiPropertyOptional({ enum: RISK_INSTRUMENTS })
  @IsOptional()
  @IsIn(RISK_INSTRUMENTS)
  code?: RiskInstrument;
}

/** Fields of an assessment an instrument records besides item answers (judgement fields). */
export const JUDGEMENT_FIELDS = ['level', 'rationale', 'domainLevels', 'stalkerType', 'formulation'] as const;
export type JudgementField = (typeof JUDGEMENT_FIELDS)[number];

export class InstrumentQuestionView {
  @ApiProperty({ example: 'VERY_FRIGHTENED' })
  code: string;
  @ApiProperty({ description: 'Paraphrased question text (rendered with the attribution)' })
  text: string;
}

export class InstrumentGatewayQuestionView {
  @ApiProperty({ example: 'DASH_STALKING_GATEWAY' })
  code: string;
  @ApiProperty()
  text: string;
  @ApiProperty({ description: 'What a yes leads to' })
  guidance: string;
}

/**
 * One version of a risk instrument, as data. Licensed instruments (SASH, SRP) carry judgement
 * fields only: their items are never stored or rendered.
 */
export class InstrumentDefinitionView {
  @ApiProperty({ enum: RISK_INSTRUMENTS })
  code: RiskInstrument;
  @ApiProperty({ example: 1 })
  version: number;
  @ApiProperty()
  title: string;
  @ApiProperty({ enum: ['OPEN', 'LICENSED'] })
  licence: 'OPEN' | 'LICENSED';
  @ApiProperty({ enum: ASSESSMENT_SUBJECTS, isArray: true })
  subjects: AssessmentSubject[];
  @ApiPropertyOptional()
  attribution?: string;
  @ApiPropertyOptional({ description: 'When the instrument should be used' })
  whenToUse?: string;
  @ApiPropertyOptional({ type: InstrumentGatewayQuestionView })
  gatewayQuestion?: InstrumentGatewayQuestionView;
  @ApiPropertyOptional({ type: InstrumentQuestionView, isArray: true, description: 'Open instruments only' })
  questions?: InstrumentQuestionView[];
  @ApiPropertyOptional({ description: 'Instruments recorded as a tick count (DASH): the maximum and the MARAC threshold' })
  tickCount?: { max: number; maracThreshold: number };
  @ApiProperty({ enum: JUDGEMENT_FIELDS, isArray: true })
  judgementFields: JudgementField[];
  @ApiProperty({ description: 'Fields that must be present before the assessment can be submitted', isArray: true, type: String })
  requiredAtSubmit: string[];
  @ApiProperty({ description: 'The newest version of this instrument: new assessments use it unless told otherwise' })
  latest: boolean;
}
