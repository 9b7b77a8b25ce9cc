import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerToken, TokenVerifier, type Principal } from '@stac/auth/tokens';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    token?: string;
  }
}

/** Routes that answer without a token: probes, metrics and the API description. */
export function isPublicRoute(url: string): boolean {
  return url.startsWith('/health/') || url === '/metrics' || url === '/docs' || url.startsWith('/docs/');
}

/**
 * Verifies the bearer token once per request at the edge (API-07: any failure is a plain 401, never
 * a 500). Services verify the forwarded token again for themselves (AC-13).
 */
export function registerAuthentication(fastify: FastifyInstance, verifier: TokenVerifier): void {
  fastify.decorateRequest('principal', undefined);
  fastify.decorateRequest('token', undefined);
  fastify.addHook('onRequest', async (req: FastifyRequest) => {
    if (isPublicRoute(req.url)) return;
    const token = bearerToken(req.headers.authorization);
    if (!token) return;
    try {
      req.principal = await verifier.verify(token);
      req.token = token;
    } catch {
      // Left unauthenticated; the guard answers 401.
    }
  });
}
