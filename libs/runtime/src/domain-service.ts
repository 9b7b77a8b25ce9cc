import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  loadConfigOrExit,
  migrationEnvSpec,
  SERVICE_DATABASES,
  SERVICE_ENV,
  SERVICE_KEY_VARS,
  withConfigErrorsFatal,
  type Config,
  type DatabaseService,
  type EnvVar,
} from '@stac/config';
import {
  DropDeadLetterTable1796084100000,
  MessagingModule,
  MessagingSchema1764201600000,
  messagingLimits,
  NATS_PROBE,
} from '@stac/messaging';
import { createLogger, ObservabilityModule, ServiceMetrics } from '@stac/observability';
import { databaseProbe, ensureDatabase, grantRuntimeRole, keyRingFromEnv, runMigrations, serviceDataSourceOptions, urlRole } from '@stac/persistence';
import type { Logger } from 'pino';
import {
  ACCESS_LOG_RUNTIME_GRANTS,
  AccessLogKeyedChain1796100000000,
  AccessLogSealing1796082000000,
  AccessSchema1764201650000,
  AuthModule,
  defaultAgreementsMigration,
  RestrictedAccess1796251000000,
  CaseAccessReplicas1796310000000,
  CaseRelationshipTeam1796330000000,
} from '@stac/auth';
import type { Agency } from '@stac/domain';
import { auditQueryController } from './audit-query.controller';
import { CasePartReader } from './case-part-reader';
import { CaseRestrictionReplica, REPLICA_IDENTITY } from './case-restriction-replica';
import { CaseAccessReplica } from './case-access-replica';
import { Clock, SystemClock } from './clock';
import { OperationKernel } from './operations/operation-kernel';
import { IdempotencyRecords } from './idempotency';
import { busConnectionOptions, busCredentials, exitOnFatal, startService } from '@stac/rpc';

export type DomainServiceConfig = Config<(typeof SERVICE_ENV)['intake']>;

/** What makes one domain service: its Nest feature module, its tables and its migrations. */
export interface DomainServiceDefinition {
  service: DatabaseService;
  /** The agency whose data controller this service is for (seeds its outgoing sharing agreements). */
  agency: Exclude<Agency, 'cps'>;
  feature: Type;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
  /** The service's table of first answers to Idempotency-Keys (created by its migrations). */
  idempotencyTable: string;
}

const DB_PROBE = Symbol('DB_PROBE');

/** The service's key ring from its `<SVC>_DATA_KEYS` (DP-02; the service's own cipher reads the same variable). */
function serviceKeyRing(service: DatabaseService) {
  const name = SERVICE_KEY_VARS[service].ring;
  return keyRingFromEnv(name, (SERVICE_ENV[service] as Record<string, EnvVar>)[name]);
}

@Module({})
class DomainServiceModule {}

/** The root module of a domain service: database, messaging, observability and its feature module. */
export function domainServiceModule(
  def: DomainServiceDefinition,
  config: DomainServiceConfig,
  logger: Logger,
  metrics = new ServiceMetrics(def.service),
): DynamicModule {
  return {
    module: DomainServiceModule,
    imports: [
      TypeOrmModule.forRoot({
        ...serviceDataSourceOptions({
          url: config.DATABASE_URL,
          entities: def.entities,
          migrations: [],
          applicationName: def.service,
        }),
        // Fail readiness instead of blocking boot forever when Postgres is down.
        retryAttempts: 3,
        retryDelay: 1000,
      }),
      MessagingModule.forService({
        service: def.service,
        natsUrl: config.NATS_URL,
        databaseUrl: config.DATABASE_URL,
        outboxPollMs: config.OUTBOX_POLL_MS,
        maxDeliver: config.CONSUMER_MAX_DELIVER,
        namespace: config.NATS_NAMESPACE,
        credentials: busCredentials(config),
        ...messagingLimits(config),
      }),
      ObservabilityModule.forService({
        logger,
        metrics,
        probes: [
          { provide: DB_PROBE, useFactory: (ds: DataSource) => databaseProbe(ds), inject: [getDataSourceToken()] },
        ],
        probeTokens: [DB_PROBE, NATS_PROBE],
      }),
      AuthModule.forService({
        audience: config.AUTH_AUDIENCE,
        issuersJson: config.AUTH_ISSUERS,
        devIssuerDir: config.AUTH_DEV_ISSUER_DIR,
        devIssuerUrl: config.AUTH_DEV_ISSUER_URL,
        nodeEnv: config.NODE_ENV,
        tokenType: config.AUTH_TOKEN_TYPE,
        maxTokenAgeSeconds: config.AUTH_MAX_TOKEN_AGE_SECONDS,
        accessLog: {
          service: def.service,
          chainKey: config.AUDIT_CHAIN_KEY,
          anchorIntervalMs: config.AUDIT_ANCHOR_INTERVAL_MS,
          namespace: config.NATS_NAMESPACE,
        },
        owningTeamsJson: config.OWNING_TEAMS,
      }),
      def.feature,
    ],
    controllers: [auditQueryController(def.service, def.agency)],
    providers: [
      CasePartReader,
      OperationKernel,
      { provide: Clock, useClass: SystemClock },
      // First answers sealed under the service's own key ring (DP-02): they can echo sealed fields.
      { provide: IdempotencyRecords, useFactory: () => new IdempotencyRecords(def.idempotencyTable, serviceKeyRing(def.service)) },
      { provide: REPLICA_IDENTITY, useValue: { service: def.service, agency: def.agency } },
      CaseRestrictionReplica,
      CaseAccessReplica,
    ],
    exports: [CasePartReader, OperationKernel, Clock, IdempotencyRecords, CaseRestrictionReplica, CaseAccessReplica],
    global: true,
  };
}

/** Migrations of a domain service: the shared messaging tables first, then its own. */
export function allMigrations(def: DomainServiceDefinition) {
  return [
    MessagingSchema1764201600000,
    AccessSchema1764201650000,
    defaultAgreementsMigration(def.agency),
    AccessLogSealing1796082000000,
    AccessLogKeyedChain1796100000000,
    RestrictedAccess1796251000000,
    CaseRelationshipTeam1796330000000,
    ...def.migrations,
    CaseAccessReplicas1796310000000,
    DropDeadLetterTable1796084100000,
  ];
}

/** Entry point of a domain service process (`apps/<svc>/src/main.ts`). */
export async function runDomainService(def: DomainServiceDefinition, env: NodeJS.ProcessEnv = process.env) {
  return withConfigErrorsFatal(async () => {
    const config = loadConfigOrExit(SERVICE_ENV[def.service], env);
    const logger = createLogger(def.service, config.LOG_LEVEL);
    exitOnFatal(logger);
    return startService({
      service: def.service,
      module: domainServiceModule(def, config, logger),
      logger,
      http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
      nats: {
        url: config.NATS_URL,
        namespace: config.NATS_NAMESPACE,
        connection: busConnectionOptions(config.NATS_URL, def.service, config.NATS_NAMESPACE, busCredentials(config)),
      },
    });
  });
}

/**
 * Entry point of `apps/<svc>/src/migrate.ts`: as the owner role (DATABASE_MIGRATION_URL), create the database
 * if missing and allowed, apply pending migrations, then grant the runtime role (the user of DATABASE_URL)
 * what the service needs and no more: the access log INSERT and SELECT only (LAW-07).
 */
export async function runDomainMigrations(def: DomainServiceDefinition, env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfigOrExit(migrationEnvSpec(def.service), env);
  const created = await ensureDatabase(config.DATABASE_MIGRATION_URL);
  const applied = await runMigrations(
    serviceDataSourceOptions({
      url: config.DATABASE_MIGRATION_URL,
      entities: def.entities,
      migrations: allMigrations(def),
      applicationName: `${def.service}-migrate`,
    }),
  );
  await grantRuntimeRole(config.DATABASE_MIGRATION_URL, urlRole(config.DATABASE_URL), ACCESS_LOG_RUNTIME_GRANTS);
  const db = SERVICE_DATABASES[def.service];
  process.stdout.write(
    `${def.service}: ${created ? `created database ${db}; ` : ''}${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}\n`,
  );
}
