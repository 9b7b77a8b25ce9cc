import type { ServiceName } from '@stac/domain';

export type EnvFormat = 'port' | 'int' | 'string' | 'enum' | 'postgres-url' | 'nats-url' | 'url';

export interface EnvVar {
  readonly format: EnvFormat;
  readonly description: string;
  /** Absent means required: the process refuses to start without it. */
  readonly default?: string;
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** An empty value is a valid setting (e.g. a feature switched off). */
  readonly allowEmpty?: boolean;
  /** For `string`: the value must match. */
  readonly pattern?: RegExp;
  /**
   * A published value used only when development is explicitly enabled (NODE_ENV=development or test);
   * in production the variable is required and this value is refused (DP-02: fail closed).
   */
  readonly devDefault?: string;
  /**
   * Empty (its default) only when development is explicitly enabled; production refuses to start without
   * it (BUS-01: NATS credentials).
   */
  readonly requiredInProduction?: boolean;
}

/** Development behaviour (dev issuer, published dev keys) only when explicitly switched on (DP-02). */
export const DEVELOPMENT_MODES: readonly string[] = ['development', 'test'];
export function developmentEnabled(nodeEnv: string | undefined): boolean {
  return nodeEnv !== undefined && DEVELOPMENT_MODES.includes(nodeEnv);
}

export type EnvSpec = Readonly<Record<string, EnvVar>>;

/**
 * OpenTelemetry tracing (docs/operations.md "Tracing"), read by every deployable before anything else
 * loads (@stac/observability/tracing). Standard OTel names, so operators recognise them; only these
 * three are read, and tracing is off unless an endpoint is set.
 */
export const TRACING_ENV = {
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    format: 'url',
    default: '',
    allowEmpty: true,
    description: "Base URL of the OpenTelemetry collector's OTLP/HTTP receiver (spans go to <url>/v1/traces); empty = tracing off.",
  },
  OTEL_TRACES_SAMPLER_ARG: {
    format: 'string',
    default: '1',
    pattern: /^(0(\.\d{1,6})?|1(\.0{1,6})?)$/,
    description: 'Share of new traces recorded, 0 to 1; a request or event inside a recorded trace is always recorded (parent-based).',
  },
  OTEL_BSP_SCHEDULE_DELAY: {
    format: 'int',
    default: '5000',
    min: 50,
    max: 60000,
    description: 'Milliseconds between batches of spans sent to the collector.',
  },
} as const satisfies EnvSpec;

const common = {
  NODE_ENV: {
    format: 'enum',
    values: ['development', 'test', 'production'],
    // Production unless a developer says otherwise (DP-02): development behaviour must be asked for.
    default: 'production',
    description: 'Deployment mode; development behaviour (dev issuer, published dev keys) only with development or test.',
  },
  LOG_LEVEL: {
    format: 'enum',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
    description: 'Minimum pino log level.',
  },
  HTTP_HOST: { format: 'string', default: '127.0.0.1', description: 'Interface the HTTP server binds.' },
  NATS_URL: { format: 'nats-url', default: 'nats://127.0.0.1:4222', description: 'NATS server(s), comma separated.' },
  NATS_USER: {
    format: 'string',
    default: '',
    allowEmpty: true,
    requiredInProduction: true,
    pattern: /^[A-Za-z0-9_-]{1,64}$/,
    description:
      "This process's own NATS user (BUS-01; deploy/nats/nats.conf has one per service and tool, with its allow-lists); required in production, empty only in development against an open local NATS.",
  },
  NATS_PASSWORD: {
    format: 'string',
    default: '',
    allowEmpty: true,
    requiredInProduction: true,
    description: "The NATS user's password, from the secret store (BUS-01); required in production.",
  },
  NATS_TLS_CA: {
    format: 'string',
    default: '',
    allowEmpty: true,
    description:
      "PEM file of the CA that signed the NATS server's certificate; set = the connection must be TLS and the server is verified against it (the shipped nats.conf requires TLS).",
  },
  NATS_NAMESPACE: {
    format: 'string',
    default: '',
    allowEmpty: true,
    pattern: /^[a-z][a-z0-9]{0,15}$/,
    description: "Isolates this stack's subjects and event streams on a shared NATS (tests, benchmarks); empty in production.",
  },
  AUTH_AUDIENCE: { format: 'string', default: 'stac-platform', description: 'Audience every access token must name.' },
  AUTH_ISSUERS: {
    format: 'string',
    default: '[]',
    description: 'Trusted OIDC issuers, JSON: [{"issuer":"https://...","agency":"police","jwksUri":"https://..."}].',
  },
  AUTH_TOKEN_TYPE: {
    format: 'enum',
    values: ['at+jwt', 'JWT'],
    default: 'at+jwt',
    description: 'The `typ` header every access token must carry (RFC 9068 at+jwt, or JWT for issuers that use it).',
  },
  AUTH_MAX_TOKEN_AGE_SECONDS: {
    format: 'int',
    default: '3600',
    min: 60,
    max: 86400,
    description: 'Oldest accepted token by its `iat`, whatever its `exp` says.',
  },
  AUTH_DEV_ISSUER_DIR: {
    format: 'string',
    default: '',
    allowEmpty: true,
    description: 'Directory of the local dev issuer keys; enables it (only with NODE_ENV=development or test).',
  },
  AUTH_DEV_ISSUER_URL: {
    format: 'string',
    default: '',
    allowEmpty: true,
    description:
      'Base URL of the development identity provider container (compose local profile), whose JWKS is at <url>/jwks.json; enables the dev issuer (only with NODE_ENV=development or test).',
  },
  ...TRACING_ENV,
} as const satisfies EnvSpec;

/**
 * The operator tools that talk to the bus (`pnpm dlq`, `pnpm events:reconcile`, `pnpm audit:verify`): each
 * connects as its own NATS user (dlq, reconcile, audit-verify in deploy/nats/nats.conf), production by default.
 */
export const BUS_TOOL_ENV = {
  NODE_ENV: common.NODE_ENV,
  NATS_URL: common.NATS_URL,
  NATS_USER: common.NATS_USER,
  NATS_PASSWORD: common.NATS_PASSWORD,
  NATS_TLS_CA: common.NATS_TLS_CA,
  NATS_NAMESPACE: common.NATS_NAMESPACE,
} as const satisfies EnvSpec;

/**
 * The key of the access log's hash chain (LAW-07): HMAC-SHA256, held by the service and the verifier, never by
 * the database, so whoever can write the database cannot re-chain edited rows. Base64 of 32 random bytes.
 */
export const AUDIT_CHAIN_KEY_VAR = {
  format: 'string',
  pattern: /^[A-Za-z0-9+/]{43}=$/,
  // Published in the repository: accepted only in development and tests, refused in production.
  devDefault: 'pvJBFwwF0nwDgoR1pTZIMMgBRsArxnYHgRdoKZh2Jsg=',
  description: "Key of the access log's HMAC chain (base64 of 32 random bytes, from the secret store; LAW-07).",
} as const satisfies EnvVar;

const port = (fallback: number) =>
  ({
    format: 'port',
    default: String(fallback),
    description: 'HTTP port for health, metrics (and the API on the gateway).',
  }) as const;

const domainService = (httpPort: number) =>
  ({
    ...common,
    HTTP_PORT: port(httpPort),
    DATABASE_URL: { format: 'postgres-url', description: "The service's own PostgreSQL database." },
    OUTBOX_POLL_MS: {
      format: 'int',
      default: '1000',
      min: 10,
      max: 60000,
      description: 'Outbox relay polling interval; LISTEN/NOTIFY wakes it sooner.',
    },
    CONSUMER_MAX_DELIVER: {
      format: 'int',
      default: '10',
      min: 1,
      max: 1000,
      description: 'Deliveries of one event before it is dead-lettered (outages do not spend deliveries).',
    },
    CONSUMER_PULL_EXPIRY_MS: {
      format: 'int',
      default: '2000',
      min: 1000,
      max: 30000,
      description: 'How long one pull request stays open on NATS; short so a stopping instance leaves none behind.',
    },
    EVENT_STREAM_REPLICAS: {
      format: 'int',
      default: '1',
      min: 1,
      max: 5,
      description: 'Replicas of the event and dead-letter streams (3 on the production cluster, 1 on a single server).',
    },
    EVENT_STREAM_MAX_AGE_DAYS: {
      format: 'int',
      default: '30',
      min: 1,
      max: 3650,
      description: 'Events older than this leave the stream (consumers lagging half-way raise an alert).',
    },
    EVENT_STREAM_MAX_MB: {
      format: 'int',
      default: '1024',
      min: 0,
      max: 10485760,
      description: 'Size limit of each event stream in MiB (0 = unlimited).',
    },
    EVENT_STREAM_DISCARD: {
      format: 'enum',
      values: ['new', 'old'],
      default: 'new',
      description: 'At the size limit: new = refuse publishes (the outbox keeps and retries them), old = drop the oldest events.',
    },
    DEAD_LETTER_MAX_AGE_DAYS: {
      format: 'int',
      default: '90',
      min: 1,
      max: 3650,
      description: 'Dead letters older than this leave the dead-letter stream (set when the stream is created; no service may change it afterwards, BUS-01).',
    },
    OUTBOX_RETENTION_DAYS: {
      format: 'int',
      default: '30',
      min: 1,
      max: 3650,
      description: 'Published outbox rows are kept this long, so events:reconcile can re-publish them.',
    },
    INBOX_RETENTION_DAYS: {
      format: 'int',
      default: '60',
      min: 1,
      max: 3650,
      description: 'Inbox rows (handled event ids) are kept this long; keep it above the stream max age and the outbox retention.',
    },
    MESSAGING_PRUNE_INTERVAL_MINUTES: {
      format: 'int',
      default: '60',
      min: 0,
      max: 10080,
      description: 'How often outbox and inbox rows past retention are deleted (0 = never).',
    },
    AUDIT_CHAIN_KEY: AUDIT_CHAIN_KEY_VAR,
    AUDIT_ANCHOR_INTERVAL_MS: {
      format: 'int',
      default: '60000',
      min: 100,
      max: 3600000,
      description: "How often the access log's chain head is anchored outside the database (JetStream AUDIT_ANCHORS).",
    },
    OWNING_TEAMS: {
      format: 'string',
      default: '{}',
      description:
        'Teams that own cases inside their agency (AC-02), JSON: {"police":{"issuer":"https://...","team":"stac"}}; a new case\'s owning-team relationship opens only to users whose token carries that `team` claim from that issuer. An agency not listed owns its cases as a whole.',
    },
  }) as const satisfies EnvSpec;

/**
 * An agency's key ring (DP-02): `kid:base64,...`, base64 of 32 random bytes per key, the current key's id
 * marked `*` (one key alone is current). New values are sealed under the current key with its id in the
 * ciphertext; the other keys only open what they sealed, until `pnpm keys rotate` has re-encrypted it
 * (docs/operations.md "Data keys"). Required in production; the published development ring is accepted
 * only with NODE_ENV=development or test, and no published key is accepted under any id.
 */
const KEY_RING_PATTERN = /^\*?[A-Za-z0-9._-]{1,32}:[A-Za-z0-9+/]{43}=(,\*?[A-Za-z0-9._-]{1,32}:[A-Za-z0-9+/]{43}=)*$/;
const keyRingVar = (owner: string, fields: string, devKey: string) =>
  ({
    format: 'string',
    pattern: KEY_RING_PATTERN,
    devDefault: `dev:${devKey}`,
    description: `${owner} data key ring (kid:base64,..., current marked *; DP-02): AES-256-GCM for ${fields}.`,
  }) as const satisfies EnvVar;
/** A search key (DP-02): HMAC-SHA256 of blind indexes; one key, never a data key, so data key rotation leaves tokens alone. */
const searchKeyVar = (owner: string, tokens: string, devKey: string) =>
  ({
    format: 'string',
    pattern: /^[A-Za-z0-9+/]{43}=$/,
    devDefault: devKey,
    description: `${owner} search key (base64 of 32 random bytes, not a data key; DP-02): HMAC-SHA256 of ${tokens}.`,
  }) as const satisfies EnvVar;

/** The police's keys in intake: personal fields of the people register and exclusion zones; name search tokens. */
export const INTAKE_DATA_KEYS_VAR = keyRingVar(
  "The police's (intake)",
  'personal fields of the people register and protective orders\' exclusion zones',
  'fYL6zFTpPAWxmbG7S7HZspW28cjDPVmGaaeuZ2gedxA=',
);
export const INTAKE_SEARCH_KEY_VAR = searchKeyVar(
  "The police's (intake)",
  'the name search and duplicate matching keys',
  'DTzS+RglQ+xoNdU9Z1Am8QdVL1UFXdeOY6hBaw8MLRQ=',
);
/** The police's keys in risk-assessment: rationale and formulation (field group risk.rationale). */
export const RISK_ASSESSMENT_DATA_KEYS_VAR = keyRingVar(
  "The police's (risk-assessment)",
  'assessment rationale and formulation (risk.rationale)',
  'dkRPB6MG2Vo7CnnwXNAno93Lwfq+fur8gAY0SgTqERk=',
);
/** The advocacy charity's own keys (its own data controller, never the police's). */
export const ADVOCACY_DATA_KEYS_VAR = keyRingVar(
  "The advocacy charity's",
  'contact notes, consent justifications, contact preferences, situation changes and feedback free text',
  'JQ7f0D5mrMTzLKYSlENx2ThOiQ7yfmPz7BjtyIYWbRU=',
);
/** The NHS trust's own keys (never the police's): clinical notes (suspect.health). */
export const MENTAL_HEALTH_DATA_KEYS_VAR = keyRingVar("The NHS trust's", 'clinical notes (suspect.health)', 'h36IViG0omB8Te6Z3Ma0ydRiv3ep0LTO2mBpI/fe1Ps=');
/** Probation's own keys: exclusion-zone geography (victim.location); the case reference search token. */
export const PROBATION_DATA_KEYS_VAR = keyRingVar("Probation's", 'exclusion-zone geography (victim.location)', 'Flp85D4GpZcngQqJ55HOjv4J/btcG3bNWwWc2FzfAWQ=');
export const PROBATION_SEARCH_KEY_VAR = searchKeyVar("Probation's", 'the probation case reference', 'u53Jvxc7yA+OA9bOzsItS0YOWgdUFE2vMQuHmQ77F/A=');

/** Each domain service's key ring variable, and its search key where it has blind indexes (`pnpm keys`). */
export const SERVICE_KEY_VARS = {
  intake: { ring: 'INTAKE_DATA_KEYS', search: 'INTAKE_SEARCH_KEY' },
  'risk-assessment': { ring: 'RISK_ASSESSMENT_DATA_KEYS' },
  advocacy: { ring: 'ADVOCACY_DATA_KEYS' },
  'mental-health': { ring: 'MENTAL_HEALTH_DATA_KEYS' },
  probation: { ring: 'PROBATION_DATA_KEYS', search: 'PROBATION_SEARCH_KEY' },
} as const;

/**
 * Due time of a partner agency's known-to-services / supervision check (domain.md §3 H2), in working days on
 * the England and Wales calendar. Read by every service that answers checks through @stac/partner-checks.
 */
export const CHECK_DUE_WORKING_DAYS_VAR = {
  format: 'int',
  default: '2',
  min: 1,
  max: 20,
  description: 'A known-to-services check is due this many working days after it is requested (bank holidays respected).',
} as const satisfies EnvVar;

/** Every environment variable each deployable reads; compose and the stack tool are checked against it. */
export const SERVICE_ENV = {
  gateway: {
    ...common,
    HTTP_PORT: port(3000),
    RPC_TIMEOUT_MS: {
      format: 'int',
      default: '5000',
      min: 50,
      max: 60000,
      description: 'Timeout on every request to a service; a timeout answers 504.',
    },
    METRICS_TOKEN: {
      format: 'string',
      default: '',
      allowEmpty: true,
      description: 'Bearer token the Prometheus scraper presents for the gateway /metrics; empty: the gateway serves no metrics (the published process never shows them to the internet).',
    },
    SERVICE_CONCURRENCY: {
      format: 'int',
      default: '64',
      min: 1,
      max: 10000,
      description: 'Requests in flight to one service at once (its bulkhead); a slow service fills only its own slots.',
    },
    SERVICE_QUEUE: {
      format: 'int',
      default: '128',
      min: 0,
      max: 100000,
      description: 'Requests waiting for a slot of one service beyond SERVICE_CONCURRENCY; more answer 503 service-busy with Retry-After.',
    },
    CIRCUIT_FAILURE_THRESHOLD: {
      format: 'int',
      default: '5',
      min: 1,
      max: 1000,
      description: "Consecutive timeouts or failures of one service that open its circuit: calls then answer 503 service-circuit-open at once.",
    },
    CIRCUIT_HALF_OPEN_MS: {
      format: 'int',
      default: '10000',
      min: 100,
      max: 600000,
      description: 'How long an open circuit refuses calls before one trial call; its success closes the circuit (Retry-After counts down to it).',
    },
    RATE_LIMIT_PER_MINUTE: {
      format: 'int',
      default: '600',
      min: 1,
      max: 10000000,
      description:
        'Requests per minute per authenticated user (per address when unauthenticated), shared by every gateway replica (JetStream stream RATE_LIMITS); over it 429 with Retry-After. Give every replica the same value.',
    },
    RATE_LIMIT_STREAM_REPLICAS: {
      format: 'int',
      default: '1',
      min: 1,
      max: 5,
      description: 'Replicas of the in-memory RATE_LIMITS stream that holds the shared rate limit (3 on the production cluster, 1 on a single server).',
    },
    BODY_LIMIT_BYTES: {
      format: 'int',
      default: '65536',
      min: 1024,
      max: 10485760,
      description: 'Largest accepted request body; larger answers 413.',
    },
  },
  // The key variables are typed optional so every domain service shares one config shape.
  intake: {
    ...domainService(3001),
    INTAKE_DATA_KEYS: INTAKE_DATA_KEYS_VAR,
    INTAKE_SEARCH_KEY: INTAKE_SEARCH_KEY_VAR,
    SCREENING_TARGET_WORKING_DAYS: {
      format: 'int',
      default: '1',
      min: 1,
      max: 10,
      description: 'Screening target: advice to the case officer within this many working days (bank holidays respected).',
    },
    ORDER_EXPIRY_SCAN_MINUTES: {
      format: 'int',
      default: '60',
      min: 0,
      max: 1440,
      description: 'How often protective orders are scanned for expiry warnings (0 = never; the scan is also an endpoint).',
    },
  } as ReturnType<typeof domainService> & {
    readonly INTAKE_DATA_KEYS?: EnvVar;
    readonly INTAKE_SEARCH_KEY?: EnvVar;
    readonly SCREENING_TARGET_WORKING_DAYS?: EnvVar;
    readonly ORDER_EXPIRY_SCAN_MINUTES?: EnvVar;
  },
  'risk-assessment': { ...domainService(3002), RISK_ASSESSMENT_DATA_KEYS: RISK_ASSESSMENT_DATA_KEYS_VAR } as ReturnType<typeof domainService> & {
    readonly RISK_ASSESSMENT_DATA_KEYS?: EnvVar;
  },
  advocacy: {
    ...domainService(3003),
    ADVOCACY_DATA_KEYS: ADVOCACY_DATA_KEYS_VAR,
    SMTP_URL: {
      format: 'string',
      default: '',
      allowEmpty: true,
      pattern: /^smtps?:\/\/[^\s]+$/,
      description: 'SMTP server for email to victims (smtp://host:port or smtps://user:pass@host:port); empty = email not configured (sends refused with 503).',
    },
    MAIL_FROM: { format: 'string', default: 'isac@advocacy.invalid', description: 'Sender address of email to victims.' },
    CLOCK_OFFSET_FILE: {
      format: 'string',
      default: '',
      allowEmpty: true,
      description: "Tests only (refused unless NODE_ENV=test): a file holding milliseconds added to the clock, so end-to-end tests can let Victims' Code deadlines pass.",
    },
    UPDATE_ESCALATION_SCAN_SECONDS: {
      format: 'int',
      default: '300',
      min: 0,
      max: 86400,
      description: 'How often open update obligations are scanned for ones past due (each is escalated once: advocacy.victim.update-overdue; 0 = never).',
    },
    RELEASE_REVIEW_WORKING_DAYS: {
      format: 'int',
      default: '2',
      min: 0,
      max: 20,
      description: "Working days (England and Wales) after a release or licence end by which the case's safety plan in force must be reviewed (0 = at once).",
    },
    RELEASE_CONTACT_WORKING_DAYS: {
      format: 'int',
      default: '1',
      min: 1,
      max: 20,
      description: 'Working days after a release or licence end by which the victim contact scheme update is due from the victim\'s advocate.',
    },
  } as ReturnType<typeof domainService> & {
    readonly ADVOCACY_DATA_KEYS?: EnvVar;
    readonly SMTP_URL?: EnvVar;
    readonly MAIL_FROM?: EnvVar;
    readonly CLOCK_OFFSET_FILE?: EnvVar;
    readonly UPDATE_ESCALATION_SCAN_SECONDS?: EnvVar;
    readonly RELEASE_REVIEW_WORKING_DAYS?: EnvVar;
    readonly RELEASE_CONTACT_WORKING_DAYS?: EnvVar;
  },
  'mental-health': {
    ...domainService(3004),
    MENTAL_HEALTH_DATA_KEYS: MENTAL_HEALTH_DATA_KEYS_VAR,
    CHECK_DUE_WORKING_DAYS: CHECK_DUE_WORKING_DAYS_VAR,
  } as ReturnType<typeof domainService> & { readonly MENTAL_HEALTH_DATA_KEYS?: EnvVar; readonly CHECK_DUE_WORKING_DAYS?: EnvVar },
  probation: {
    ...domainService(3005),
    PROBATION_DATA_KEYS: PROBATION_DATA_KEYS_VAR,
    PROBATION_SEARCH_KEY: PROBATION_SEARCH_KEY_VAR,
    CHECK_DUE_WORKING_DAYS: CHECK_DUE_WORKING_DAYS_VAR,
    RELEASE_SCAN_SECONDS: {
      format: 'int',
      default: '3600',
      min: 0,
      max: 86400,
      description: 'How often sentence dates are scanned for releases, release notices and licence ends (0 = never).',
    },
    RELEASE_NOTICE_DAYS: {
      format: 'int',
      default: '14',
      min: 0,
      max: 90,
      description: 'Days before a release that probation.release.upcoming is published (0 = no notice).',
    },
    ENFORCEMENT_REVIEW_WORKING_DAYS: {
      format: 'int',
      default: '5',
      min: 1,
      max: 20,
      description:
        'Working days (England and Wales calendar) after a licence-condition or community-order intervention is BREACHED or DISENGAGED by which the practitioner\'s enforcement review is due.',
    },
  } as ReturnType<typeof domainService> & {
    readonly PROBATION_DATA_KEYS?: EnvVar;
    readonly PROBATION_SEARCH_KEY?: EnvVar;
    readonly CHECK_DUE_WORKING_DAYS?: EnvVar;
    readonly RELEASE_SCAN_SECONDS?: EnvVar;
    readonly RELEASE_NOTICE_DAYS?: EnvVar;
    readonly ENFORCEMENT_REVIEW_WORKING_DAYS?: EnvVar;
  },
} as const satisfies Record<ServiceName, EnvSpec>;

/**
 * The migrate entry of a domain service (`apps/<svc>/src/migrate.ts`, the compose migrate job) reads the
 * service's own variables plus the owner credentials. The running service never gets them (LAW-07): it
 * connects as its runtime role (DATABASE_URL), which the migrate step grants what the service needs.
 */
export const DATABASE_MIGRATION_URL_VAR = {
  format: 'postgres-url',
  description: "The service database as its owner role (migrations only; the service itself never gets it).",
} as const satisfies EnvVar;

export function migrationEnvSpec<S extends keyof typeof SERVICE_DATABASES>(service: S) {
  // The owner's credentials and the chain key never meet: together they could rewrite and re-chain the log.
  // Migrations are not traced: the tracing variables are the running service's only. Nor do they use the bus:
  // the migrate job gets no NATS credentials (BUS-01).
  const {
    AUDIT_CHAIN_KEY: _key,
    AUDIT_ANCHOR_INTERVAL_MS: _interval,
    OTEL_EXPORTER_OTLP_ENDPOINT: _otlp,
    OTEL_TRACES_SAMPLER_ARG: _sampler,
    OTEL_BSP_SCHEDULE_DELAY: _bsp,
    NATS_USER: _natsUser,
    NATS_PASSWORD: _natsPassword,
    NATS_TLS_CA: _natsCa,
    ...rest
  } = SERVICE_ENV[service];
  return { ...rest, DATABASE_MIGRATION_URL: DATABASE_MIGRATION_URL_VAR } as Omit<
    (typeof SERVICE_ENV)[S],
    'AUDIT_CHAIN_KEY' | 'AUDIT_ANCHOR_INTERVAL_MS' | 'NATS_USER' | 'NATS_PASSWORD' | 'NATS_TLS_CA' | keyof typeof TRACING_ENV
  > & { readonly DATABASE_MIGRATION_URL: typeof DATABASE_MIGRATION_URL_VAR };
}

/** Database names per service (design.md §4). */
export const SERVICE_DATABASES = {
  intake: 'stac_intake',
  'risk-assessment': 'stac_risk',
  advocacy: 'stac_advocacy',
  'mental-health': 'stac_mental_health',
  probation: 'stac_probation',
} as const satisfies Partial<Record<ServiceName, string>>;
export type DatabaseService = keyof typeof SERVICE_DATABASES;
