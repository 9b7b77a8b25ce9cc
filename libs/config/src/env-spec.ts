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
  }) as const satisfies EnvSpec;

/**
 * The police agency's data key, read by intake (DP-02): AES-256-GCM for personal fields and, derived from
 * it, the key of the name search hashes. Base64 of 32 random bytes from the secret store; never in the repo;
 * no default, so a deployment without it refuses to start.
 */
export const DATA_KEY_VAR = {
  format: 'string',
  pattern: /^[A-Za-z0-9+/]{43}=$/,
  description: "The police agency's data key (base64 of 32 random bytes) for personal fields and name search hashes (DP-02).",
} as const satisfies EnvVar;

/**
 * The advocacy charity's own data key (DP-02): AES-256-GCM for advocacy.notes, victim.contact and
 * victim.location held by the charity — a different key from the police's DATA_KEY, because the charity
 * is its own data controller. Empty only for migrations; the service refuses to start without it.
 */
export const ADVOCACY_DATA_KEY_VAR = {
  format: 'string',
  pattern: /^[A-Za-z0-9+/]{43}=$/,
  description: "The advocacy charity's data key (base64 of 32 random bytes) for its notes, contact preferences and victim situation records (DP-02).",
} as const satisfies EnvVar;

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

/**
 * The NHS trust's own data key, read by mental-health: AES-256-GCM for clinical notes (the suspect.health
 * field group). Base64 of 32 random bytes from the trust's secret store; never the police DATA_KEY, never
 * in the repo; no default, so a deployment without it refuses to start.
 */
export const TRUST_DATA_KEY_VAR = {
  format: 'string',
  pattern: /^[A-Za-z0-9+/]{43}=$/,
  description: "The NHS trust's data key (base64 of 32 random bytes) for clinical notes (suspect.health).",
} as const satisfies EnvVar;

/**
 * Probation's own keys (each agency is its own data controller, so never the police DATA_KEY): AES-256-GCM
 * for restricted fields (exclusion-zone geography, victim.location) and a separate HMAC key for the keyed
 * search token of the probation case reference, so the token reveals nothing even with the data key.
 */
export const PROBATION_DATA_KEY_VAR = {
  format: 'string',
  pattern: /^[A-Za-z0-9+/]{43}=$/,
  description: "Probation's data key (base64 of 32 random bytes): AES-256-GCM for exclusion-zone geography (victim.location).",
} as const satisfies EnvVar;
export const PROBATION_SEARCH_KEY_VAR = {
  format: 'string',
  pattern: /^[A-Za-z0-9+/]{43}=$/,
  description: "Probation's search key (base64 of 32 random bytes, not the data key): HMAC-SHA256 of the probation case reference.",
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
      description: 'Requests per minute per authenticated user (per address when unauthenticated); over it 429.',
    },
    BODY_LIMIT_BYTES: {
      format: 'int',
      default: '65536',
      min: 1024,
      max: 10485760,
      description: 'Largest accepted request body; larger answers 413.',
    },
  },
  // DATA_KEY is required at run time (no default); typed optional so every domain service shares one config shape.
  intake: {
    ...domainService(3001),
    DATA_KEY: DATA_KEY_VAR,
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
    readonly DATA_KEY?: EnvVar;
    readonly SCREENING_TARGET_WORKING_DAYS?: EnvVar;
    readonly ORDER_EXPIRY_SCAN_MINUTES?: EnvVar;
  },
  'risk-assessment': domainService(3002),
  advocacy: {
    ...domainService(3003),
    ADVOCACY_DATA_KEY: { ...ADVOCACY_DATA_KEY_VAR, default: '', allowEmpty: true },
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
    readonly ADVOCACY_DATA_KEY?: EnvVar;
    readonly SMTP_URL?: EnvVar;
    readonly MAIL_FROM?: EnvVar;
    readonly CLOCK_OFFSET_FILE?: EnvVar;
    readonly UPDATE_ESCALATION_SCAN_SECONDS?: EnvVar;
    readonly RELEASE_REVIEW_WORKING_DAYS?: EnvVar;
    readonly RELEASE_CONTACT_WORKING_DAYS?: EnvVar;
  },
  // TRUST_DATA_KEY is required at run time (no default); typed optional like intake's DATA_KEY.
  'mental-health': {
    ...domainService(3004),
    TRUST_DATA_KEY: TRUST_DATA_KEY_VAR,
    CHECK_DUE_WORKING_DAYS: CHECK_DUE_WORKING_DAYS_VAR,
  } as ReturnType<typeof domainService> & { readonly TRUST_DATA_KEY?: EnvVar; readonly CHECK_DUE_WORKING_DAYS?: EnvVar },
  probation: {
    ...domainService(3005),
    PROBATION_DATA_KEY: PROBATION_DATA_KEY_VAR,
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
    readonly PROBATION_DATA_KEY?: EnvVar;
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
