import type { LoggerService } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

/**
 * Paths that may carry personal data if anything ever logs a request, a message or an entity.
 * Logs are for operators: ids, codes and timings only (DP-01). Redaction is the safety net.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  'password',
  'body',
  'payload',
  'data',
  '*.body',
  '*.payload',
  '*.givenName',
  '*.familyName',
  '*.name',
  '*.dateOfBirth',
  '*.address',
  '*.phone',
  '*.email',
  '*.notes',
  '*.narrative',
  '*.additionalInformation',
  'err.data',
];

/**
 * Keys whose values are personal (or secret) wherever they appear, at any depth: path-based redaction
 * reaches one level, and a request, message or entity logged whole nests them deeper (DP-01).
 */
export const REDACT_KEYS: ReadonlySet<string> = new Set([
  'authorization',
  'cookie',
  'token',
  'password',
  'body',
  'payload',
  'data',
  'givenName',
  'familyName',
  'name',
  'dateOfBirth',
  'address',
  'postcode',
  'phone',
  'email',
  'notes',
  'narrative',
  'additionalInformation',
  'contact',
  'location',
  'identifiers',
  'justification',
  'rationale',
  'formulation',
  'crimeReference',
]);

const CENSOR = '[redacted]';
const MAX_DEPTH = 12;

/** A copy of `value` with every REDACT_KEYS value censored, at any depth (cycles and very deep nesting cut). */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH || seen.has(value)) return CENSOR;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  if (value instanceof Error) {
    // Serialised as pino's err serializer would, with its own properties redacted.
    out.type = value.constructor.name;
    out.message = value.message;
    out.stack = value.stack;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = REDACT_KEYS.has(k) ? CENSOR : redactDeep(v, depth + 1, seen);
  }
  return out;
}

export function createLogger(service: string, level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      // Errors keep their message and stack; their own properties (err.data, ...) are redacted too.
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          if (first !== null && typeof first === 'object' && !(first instanceof Error))
            return method.apply(this, [redactDeep(first), ...rest] as Parameters<typeof method>);
          if (first instanceof Error) {
            const { message, name, stack, ...own } = first as Error & Record<string, unknown>;
            const err = Object.assign(Object.create(Object.getPrototypeOf(first) as object) as Error, redactDeep(own), { message, stack });
            void name;
            return method.apply(this, [err, ...rest] as Parameters<typeof method>);
          }
          return method.apply(this, args);
        },
      },
      // With tracing on, a line written inside a traced request or event names its trace and span.
      mixin() {
        const span = trace.getActiveSpan()?.spanContext();
        return span && span.traceId !== '00000000000000000000000000000000' ? { traceId: span.traceId, spanId: span.spanId } : {};
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** Adapts pino to Nest's LoggerService so framework messages are structured too. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string) {
    this.logger.fatal({ context }, String(message));
  }
}
