/**
 * RFC 9457 problem details, the error shape of the HTTP API and of every request/reply answer.
 * `code` is stable and documented; `detail` is for people and never carries personal data, SQL or paths.
 */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: FieldProblem[];
  /** For a 503: seconds after which a retry may succeed (sent as the Retry-After header). */
  retryAfterSeconds?: number;
}

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `victim.dateOfBirth` or `incidents.0.behaviours`. */
  field: string;
  message: string;
}

export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).status === 'number' &&
    typeof (value as Problem).code === 'string' &&
    typeof (value as Problem).title === 'string'
  );
}

export function problem(status: number, code: string, title: string, extra: Partial<Problem> = {}): Problem {
  return { type: `https://stac.example/problems/${code}`, title, status, code, ...extra };
}

/** A failure that already knows its answer; rendered as problem+json (HTTP) or a problem reply (NATS). */
export class ProblemException extends Error {
  constructor(readonly problem: Problem) {
    super(problem.title);
    this.name = 'ProblemException';
  }
}


/** The one 404 for a case that is missing or that the caller may not see (AC-09): byte-identical either way. */
export const CASE_NOT_FOUND = problem(404, 'case-not-found', 'No such case');
