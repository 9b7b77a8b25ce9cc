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
  correlationId?: string;
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
