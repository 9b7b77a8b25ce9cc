import type { DataSource, EntityManager } from 'typeorm';
import type { Authorized } from '@stac/auth';
import type { Operation } from '@stac/contracts';
import type { Clock } from '../clock';

/** Extra facts an access-log entry may carry beyond who, what and why (never data values). */
export interface AuditDetail {
  recordIds: string[];
  /** Defaults to the operation's declared processing kind. */
  processing?: Operation['access']['processing'];
  /** Defaults to the operation's action. */
  action?: string;
  recipients?: string[];
  justification?: string;
  legalBasis?: string;
}

/**
 * The one context every handler receives: who asks (verified principal, the decision and the field
 * groups granted), why (purpose), the tracing ids, the idempotency key, the clock, and `audit()` to
 * write the operation's access-log entry inside the handler's own transaction.
 */
export interface RequestContext extends Authorized {
  operation: Operation;
  /** The role the caller acts in: the first of their roles the policy accepts for the action. */
  actingRole: string;
  /** True when the caller reaches the case as the data controller's own team (not a share). */
  owning: boolean;
  correlationId: string;
  causationId?: string;
  traceparent?: string;
  idempotencyKey?: string;
  clock: Clock;
  /**
   * A second decision for the same request, when one operation includes a decision that needs its own
   * permission (e.g. referring without consent, AC-05); a denial is logged and thrown like any other.
   * A case-scoped action is decided with the caller's relationships to the operation's case (or to
   * `scope.caseId` when the operation is not scoped to one case): never without the case.
   */
  alsoAuthorize(action: string, processing: Operation['access']['processing'], scope?: { caseId?: string }): Promise<void>;
  /**
   * Runs a creating command once per Idempotency-Key of this request, inside the caller's transaction,
   * in the service's own table of first answers (REL-04): a retry replays the first answer, another body
   * under the same key is 422.
   */
  idempotent<T>(m: EntityManager, command: string, body: unknown, run: () => Promise<T>): Promise<T>;
  /** Writes the access-log entry for this request (LAW-01); with a transaction's manager, in that transaction. */
  audit(m: EntityManager | DataSource, detail: AuditDetail): Promise<void>;
}
