import type { LoggerService } from '@nestjs/common';
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

export function createLogger(service: string, level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
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
