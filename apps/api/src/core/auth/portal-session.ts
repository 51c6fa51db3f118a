import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { asSystem } from '../database/tenant-scope';
import { NotAuthenticatedException } from '../http/errors';
import { accessClaimsProblem, accessTokenKey, JWT_ISSUER, PORTAL_JWT_AUDIENCE } from './jwt.strategy';
import { PortalSessionRepository } from './portal-session.repository';

/** What a portal access token carries: the account, its session (refresh-token family) and generation. */
export interface PortalTokenPayload {
  sub: string;
  sid: string;
  gen: number;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
}

/**
 * A signed-in customer, set on the request by the guard for `@PortalCustomer()` routes. Every portal
 * query is bounded by `customerId` (and runs in `tenantPath`'s row-level-security scope): a customer
 * reaches their own records only, never another customer's of the same tenant.
 */
export interface CustomerPrincipal {
  accountId: string;
  customerId: string;
  tenantId: string;
  tenantPath: string;
  sessionId: string;
  language: 'tr' | 'en';
}

/**
 * Checks a portal bearer token and the session behind it on every request (never cached): the account
 * is active, the token's generation is current (a password reset or deactivation bumps it) and its
 * session was not ended (logout revokes the refresh-token family). One indexed lookup.
 */
@Injectable()
export class PortalSessionVerifier {
  constructor(
    private readonly sessions: PortalSessionRepository,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async verify(authorization: string | undefined): Promise<CustomerPrincipal> {
    const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw new NotAuthenticatedException('missing or invalid access token');
    let payload: PortalTokenPayload;
    try {
      payload = await this.jwt.verifyAsync<PortalTokenPayload>(token, {
        secret: accessTokenKey(this.config.JWT_ACCESS_SECRET),
        algorithms: ['HS256'],
        issuer: JWT_ISSUER,
        audience: PORTAL_JWT_AUDIENCE,
      });
    } catch (err) {
      throw new NotAuthenticatedException((err as Error).message);
    }
    const problem = accessClaimsProblem(payload, this.config.JWT_ACCESS_TTL_SECONDS, Date.now(), PORTAL_JWT_AUDIENCE);
    if (problem) throw new NotAuthenticatedException(problem);
    const { sub, sid, gen } = payload;

    // The guard runs before the request has a tenant scope: this lookup is bounded by the token's own ids.
    const row = await asSystem(() => this.sessions.find(sub, sid, gen));
    if (!row) throw new NotAuthenticatedException('session ended');
    return {
      accountId: row.id,
      customerId: row.customer_id,
      tenantId: row.tenant_id,
      tenantPath: row.tenant_path,
      sessionId: sid,
      language: row.language === 'en' ? 'en' : 'tr',
    };
  }
}
