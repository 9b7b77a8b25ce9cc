import { exceedsJsonDepth, malformedStringPath, MAX_JSON_DEPTH, nfcStrings, prototypeKeyPath } from './json-shape';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { problem, ProblemException, type FieldProblem, type Problem } from '@stac/contracts';

export { problem, ProblemException };

/** Throw from a request/reply handler; the gateway renders it as problem+json with the same status. */
export function rpcProblem(status: number, code: string, title: string, extra: Partial<Problem> = {}): ProblemException {
  return new ProblemException(problem(status, code, title, extra));
}

export function fieldProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldProblems(e.children ?? [], field)];
  });
}

/** The same whitelist rules as the gateway (API-01): services never trust that the edge validated. */
export const STRICT_VALIDATION = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

/** The field problem of a string that is not well-formed Unicode (API-02). */
export function malformedStringProblem(path: string): { field: string; message: string } {
  const field = path || 'body';
  return { field, message: `${field} is not valid Unicode text (a lone surrogate)` };
}

/** The field error for a `__proto__`, `constructor` or `prototype` key at `path` (API-03). */
export function prototypeKeyProblem(path: string): { field: string; message: string } {
  return { field: path, message: `${path} is a prototype key and is not allowed` };
}

/** Validates a request body with its contract class: depth-bounded, strings in NFC, whitelisted, every field named. */
export async function parseRpcBody<T extends object>(cls: new () => T, body: unknown): Promise<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw rpcProblem(400, 'invalid-body', 'Request body must be a JSON object');
  }
  if (exceedsJsonDepth(body)) throw rpcProblem(400, 'too-deep', `Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  const prototypeKey = prototypeKeyPath(body);
  if (prototypeKey) {
    throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [prototypeKeyProblem(prototypeKey)] });
  }
  const malformed = malformedStringPath(body);
  if (malformed !== undefined) throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [malformedStringProblem(malformed)] });
  const instance = plainToInstance(cls, nfcStrings(body));
  const errors = await validate(instance, STRICT_VALIDATION);
  if (errors.length) {
    throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: fieldProblems(errors) });
  }
  return instance;
}
