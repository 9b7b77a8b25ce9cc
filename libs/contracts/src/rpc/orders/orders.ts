import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  BEHAVIOUR_CODES,
  ORDER_NOT_PURSUED_REASONS,
  ORDER_STATUSES,
  ORDER_TYPES,
  type BehaviourCode,
  type OrderNotPursuedReason,
  type OrderStatus,
  type OrderType,
} from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';

export const ORDERS = {
  consider: 'rpc.intake.order.consider',
  list: 'rpc.intake.order.list',
  transition: 'rpc.intake.order.transition',
  recordNotification: 'rpc.intake.order.notification.record',
  reportBreach: 'rpc.intake.order.breach.report',
  scanExpiring: 'rpc.intake.order.expiry.scan',
} as const;

const ISO = { strict: true, strictSeparator: true } as const;

/**
 * A prohibition's geography, e.g. "not to enter the area bounded by ..." — it reveals where the victim
 * lives or works, so it is `victim.location` data: written and read only with that grant (AC-03, §6.1).
 */
export class ExclusionZone {
  @ApiProperty({ maxLength: 500, example: 'Within 100 metres of the victim\'s workplace (address on the order)' })
  @IsString()
  @Length(3, 500)
  @IsPlainText()
  description: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  radiusMetres?: number;
}

export class ConsiderOrderSubmission {
  @ApiProperty({ enum: ORDER_TYPES })
  @IsIn(ORDER_TYPES)
  orderType: OrderType;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Why it is being considered / proposed prohibitions and requirements' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  note?: string;

  @ApiPropertyOptional({ type: ExclusionZone, isArray: true, description: 'victim.location: needs that field group (include=victim.location)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ExclusionZone)
  exclusionZones?: ExclusionZone[];
}

export class ConsiderOrderCommand extends ConsiderOrderSubmission {
  @IsUUID() caseId: string;
}

/**
 * One move of an order's lifecycle. Which fields are needed depends on `to`: NOT_PURSUED needs
 * `notPursuedReason`; GRANTED needs `effectiveFrom` (and `expiresAt` unless until further order);
 * SERVED needs `servedAt`; RENEWED needs a new `expiresAt`; REFUSED, VARIED and DISCHARGED need a `reason`.
 */
export class OrderTransitionSubmission {
  @ApiProperty({ enum: ORDER_STATUSES.filter((s) => s !== 'CONSIDERED') })
  @IsIn(ORDER_STATUSES.filter((s) => s !== 'CONSIDERED'))
  to: OrderStatus;

  @ApiPropertyOptional({ enum: ORDER_NOT_PURSUED_REASONS })
  @IsOptional()
  @IsIn(ORDER_NOT_PURSUED_REASONS)
  notPursuedReason?: OrderNotPursuedReason;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  reason?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(ISO)
  effectiveFrom?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Omit for an order until further order' })
  @IsOptional()
  @IsISO8601(ISO)
  expiresAt?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(ISO)
  servedAt?: string;

  @ApiPropertyOptional({ type: ExclusionZone, isArray: true, description: 'VARIED: replaces the zones (victim.location)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ExclusionZone)
  exclusionZones?: ExclusionZone[];
}

export class OrderTransitionCommand extends OrderTransitionSubmission {
  @IsUUID() caseId: string;
  @IsUUID() orderId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

/** SPO s9: the person of concern notified their name and home address to the police. */
export class NotificationReceivedSubmission {
  @ApiProperty({ format: 'date-time' })
  @IsISO8601(ISO)
  receivedAt: string;
}

export class NotificationReceivedCommand extends NotificationReceivedSubmission {
  @IsUUID() caseId: string;
  @IsUUID() orderId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class BreachSubmission {
  @ApiProperty({ format: 'date-time' })
  @IsISO8601(ISO)
  occurredAt: string;

  @ApiPropertyOptional({ enum: BEHAVIOUR_CODES, isArray: true, description: 'What was done; BREACH is always added' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(BEHAVIOUR_CODES.length)
  @ArrayUnique()
  @IsIn(BEHAVIOUR_CODES, { each: true })
  behaviours?: BehaviourCode[];

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  note?: string;
}

export class ReportBreachCommand extends BreachSubmission {
  @IsUUID() caseId: string;
  @IsUUID() orderId: string;
}

export class OrderListQuery {
  @IsUUID() caseId: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1)
  @IsIn(['victim.location'], { each: true })
  fieldGroups?: 'victim.location'[];
}

export class ExpiryScanRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: 365, description: 'Warn for orders ending within this many days (default 28)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  withinDays?: number;
}

export class BreachView {
  @ApiProperty({ format: 'uuid' }) breachId: string;
  @ApiProperty({ format: 'uuid' }) incidentId: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ format: 'date-time' }) reportedAt: string;
}

export class ProtectiveOrderView {
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: ORDER_TYPES }) orderType: OrderType;
  @ApiProperty({ enum: ORDER_STATUSES }) status: OrderStatus;
  @ApiProperty({ format: 'date-time' }) consideredAt: string;
  @ApiPropertyOptional({ nullable: true }) note: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ORDER_NOT_PURSUED_REASONS }) notPursuedReason: OrderNotPursuedReason | null;
  @ApiPropertyOptional({ nullable: true }) reason: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) appliedAt: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) decidedAt: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) effectiveFrom: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) expiresAt: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) servedAt: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) notificationDueAt: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) notificationReceivedAt: string | null;
  @ApiProperty({ description: 'SPO notification past due and not received' }) notificationOverdue: boolean;
  @ApiProperty({ type: BreachView, isArray: true }) breaches: BreachView[];
  @ApiPropertyOptional({ type: ExclusionZone, isArray: true, description: 'Only with the victim.location field group' })
  exclusionZones?: ExclusionZone[];
  @ApiProperty({ description: 'Whether exclusion zones are recorded (true even when they are withheld)' }) hasExclusionZones: boolean;
  @ApiProperty() version: number;
}

export class BreachReported {
  @ApiProperty({ format: 'uuid' }) breachId: string;
  @ApiProperty({ format: 'uuid' }) incidentId: string;
  @ApiProperty({ format: 'uuid' }) orderId: string;
}

export class ExpiryScanResult {
  @ApiProperty({ description: 'Orders newly warned as expiring' }) warned: number;
  @ApiProperty({ description: 'Orders past their expiry, now EXPIRED' }) expired: number;
}
