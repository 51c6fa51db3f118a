import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AccessService } from '../access/access.service';
import type { AccessContext } from '../access/access-context';
import { ForbiddenActionException, NotAuthenticatedException } from '../http/errors';
import { ACCESS_RULE, type AccessRule } from './access.decorator';
import { PortalSessionVerifier, type CustomerPrincipal } from './portal-session';
import { SessionRevocationService } from './session-revocation.service';

interface GuardedRequest {
  id?: string;
  user?: { userId: string; sessionId: string; generation: number };
  access?: AccessContext;
  customer?: CustomerPrincipal;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The one gate of every HTTP route. A route that declares no access rule is refused (deny by
 * default); a test walks all routes to prove each declares one.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
    private readonly revocations: SessionRevocationService,
    private readonly portal: PortalSessionVerifier,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    if (!rule) throw new ForbiddenActionException('this route declares no access rule');
    if (rule.kind === 'public') return true;
    if (rule.kind === 'customer') {
      // A customer's portal token only; an operator's token (another audience) is refused here, as a portal token is by passport below.
      const req = context.switchToHttp().getRequest<GuardedRequest>();
      const authorization = req.headers.authorization;
      req.customer = await this.portal.verify(typeof authorization === 'string' ? authorization : undefined);
      return true;
    }

    await super.canActivate(context);
    const req = context.switchToHttp().getRequest<GuardedRequest>();
    const { userId, sessionId, generation } = req.user!;
    // Read from Redis on every request, never cached: a logout, password change or deactivation ends
    // the session on every node before its next request. The rights' generation comes in the same call.
    const { state, values } = await this.revocations.stateWith(userId, sessionId, [this.access.generationKey()]);
    if (SessionRevocationService.ended(state, generation)) throw new NotAuthenticatedException('session ended');
    const access = await this.access.resolve(userId, sessionId, req.id, values[0]);
    if (!access) throw new NotAuthenticatedException('user is inactive or no longer exists');
    req.access = access;
    if (rule.kind === 'permission' && !access.holdsAnywhere(rule.module, rule.action)) {
      throw new ForbiddenActionException(`requires ${rule.action} on ${rule.module}`);
    }
    return true;
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (err || !user) {
      const reason = info instanceof Error ? info.message : 'missing or invalid access token';
      throw new NotAuthenticatedException(reason);
    }
    return user;
  }
}
