import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevIssuerKeys, mintDevToken } from '@stac/auth';

/** The audience every service checks (SERVICE_ENV's AUTH_AUDIENCE default). */
export const AUDIENCE = 'stac-platform';

export interface BenchIssuer {
  /** Goes into every service's AUTH_DEV_ISSUER_DIR. */
  readonly dir: string;
  /** Headers of an authenticated police case officer referring a crime. */
  readonly headers: Readonly<Record<string, string>>;
  /** Headers of `n` distinct police case officers (the case-view runs rotate through them). */
  users(n: number): Promise<Readonly<Record<string, string>>[]>;
  remove(): void;
}

/**
 * The platform's dev token issuer with a fresh key in a temp directory, so the bench uses real tokens
 * (verified by the gateway and again by the services) without touching a developer's keys.
 */
export async function createBenchIssuer(ttlSeconds = 3600): Promise<BenchIssuer> {
  const dir = mkdtempSync(join(tmpdir(), 'stac-bench-issuer-'));
  try {
    await ensureDevIssuerKeys(dir);
    const token = await mintDevToken(dir, {
      agency: 'police',
      roles: ['case-officer'],
      subject: 'bench-case-officer',
      audience: AUDIENCE,
      ttlSeconds,
    });
    return {
      dir,
      headers: { authorization: `Bearer ${token}`, 'x-purpose-of-use': 'investigation' },
      users: (n) =>
        Promise.all(
          Array.from({ length: n }, async (_, i) => ({
            authorization: `Bearer ${await mintDevToken(dir, {
              agency: 'police',
              roles: ['case-officer'],
              subject: `bench-officer-${i + 1}`,
              audience: AUDIENCE,
              ttlSeconds,
            })}`,
            'x-purpose-of-use': 'investigation',
          })),
        ),
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
