import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, SERVICE_ENV } from '@stac/config';
import { createLogger, ServiceMetrics } from '@stac/observability';
import { openApiDocument } from './edge/openapi';
import { GatewayModule } from './gateway.module';

/**
 * Prints the gateway's OpenAPI document without starting it (no listening, no NATS connection): used by
 * `pnpm run docs` to commit docs/openapi.json and to check it is not stale. A placeholder issuer satisfies
 * the token module; nothing is verified here.
 */
async function main() {
  const config = loadConfig(SERVICE_ENV.gateway, {
    ...process.env,
    AUTH_ISSUERS: JSON.stringify([{ issuer: 'https://issuer.docs.invalid', agency: 'police', jwksUri: 'https://issuer.docs.invalid/jwks' }]),
    AUTH_DEV_ISSUER_DIR: '',
    LOG_LEVEL: 'silent',
    // Never used: nothing connects to NATS here.
    NATS_USER: 'gateway',
    NATS_PASSWORD: 'print-openapi-connects-nowhere',
    NATS_TLS_CA: '',
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(config, createLogger('gateway', 'silent'), new ServiceMetrics('gateway')),
    new FastifyAdapter(),
    { logger: false },
  );
  process.stdout.write(JSON.stringify(openApiDocument(app), null, 2) + '\n');
  await app.close();
}

void main().catch((e: unknown) => {
  process.stderr.write(`print-openapi: ${(e as Error).message}\n`);
  process.exit(1);
});
