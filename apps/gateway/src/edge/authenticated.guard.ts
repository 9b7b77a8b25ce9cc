import { HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem } from '@stac/contracts';
import { isPublicRoute } from './authentication';

/** Every API route needs a verified token with at least one role (coarse authorisation at the edge). */
@Injectable()
export class AuthenticatedGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    if (isPublicRoute(req.url)) return true;
    if (!req.principal) {
      void ctx.switchToHttp().getResponse<FastifyReply>().header('www-authenticate', 'Bearer realm="stac"');
      throw new HttpException(problem(401, 'unauthenticated', 'A valid access token is required'), 401);
    }
    if (req.principal.roles.length === 0) {
      throw new HttpException(problem(403, 'forbidden', 'Your token carries no S-TAC role'), 403);
    }
    return true;
  }
}
