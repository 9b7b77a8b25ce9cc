import { ProblemException, type Problem } from '@stac/contracts';

/**
 * The problem (RFC 9457 body) a call was refused with. Fails the test when the call succeeds, or when it
 * fails with anything but a problem (a bug, not a refusal).
 */
export async function problemOf(call: Promise<unknown>): Promise<Problem> {
  try {
    await call;
  } catch (e) {
    if (e instanceof ProblemException) return e.problem;
    throw e;
  }
  throw new Error('expected a problem, but the call succeeded');
}
