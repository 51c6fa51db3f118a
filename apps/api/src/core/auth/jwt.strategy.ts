import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { isUuid } from '../http/id-param.pipe';

export const JWT_ISSUER = 'water-api';
export const JWT_AUDIENCE = 'water-console';
/** Customers' portal tokens (core/auth/portal-session.ts): same issuer and key, another audience, so neither passes for the other. */
export const PORTAL_JWT_AUDIENCE = 'water-portal';

export interface AccessTokenPayload {
  sub: string;
  /** Session (refresh-token family) id. */
  sid: string;
  /** The user's session generation when the token was issued (SessionRevocationService.revokeUser). */
  gen: number;
  iat: number;
  exp: number;
  iss: string;
  aud: string | string[];
}

/** Clock difference tolerated between API nodes, in seconds. */
export const ACCESS_TOKEN_SKEW_SECONDS = 30;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/**
 * What a signature check leaves open: jsonwebtoken accepts a token without `exp` (or `iat`), and any
 * lifetime. Every access token must carry exp, iat, iss, aud, a session and a generation, and live
 * no longer than JWT_ACCESS_TTL_SECONDS (+ skew), so a token minted with a long life dies like the
 * others. Returns why the payload is refused, or null. Used by the HTTP guard and the live gateway.
 */
export function accessClaimsProblem(
  payload: unknown,
  ttlSeconds: number,
  nowMs = Date.now(),
  audience: typeof JWT_AUDIENCE | typeof PORTAL_JWT_AUDIENCE = JWT_AUDIENCE,
): string | null {
  const p = payload as Partial<Record<keyof AccessTokenPayload, unknown>> | null;
  if (!p || typeof p !== 'object') return 'malformed access token';
  if (!isInt(p.exp) || !isInt(p.iat)) return 'access token lacks exp or iat';
  if (p.iss !== JWT_ISSUER) return 'access token has the wrong issuer';
  const aud = Array.isArray(p.aud) ? p.aud : [p.aud];
  if (aud.length !== 1 || aud[0] !== audience) return 'access token has the wrong audience';
  if (typeof p.sub !== 'string' || !UUID_PATTERN.test(p.sub) || typeof p.sid !== 'string' || !UUID_PATTERN.test(p.sid))
    return 'malformed access token';
  if (!isInt(p.gen) || p.gen < 0) return 'malformed access token';
  const now = Math.floor(nowMs / 1000);
  if (p.iat > now + ACCESS_TOKEN_SKEW_SECONDS) return 'access token issued in the future';
  if (p.exp - p.iat > ttlSeconds + ACCESS_TOKEN_SKEW_SECONDS) return 'access token lifetime exceeds the configured maximum';
  if (p.exp <= now) return 'jwt expired';
  return null;
}

const keys = new Map<string, KeyObject>();

/**
 * The access-token secret as a KeyObject, made once. Given a string, jsonwebtoken first tries it as a
 * PEM public key (createPublicKey, which throws for an HMAC secret) on every verify: ~0.6 ms of each
 * authenticated request and socket connect (docs/benchmarks.md, B4 profile). The typings of
 * passport-jwt and @nestjs/jwt say string | Buffer; jsonwebtoken 9 takes a KeyObject.
 */
export function accessTokenKey(secret: string): string {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret))));
  return key as unknown as string;
}

/** Bearer access tokens (HS256, short-lived). The web console's server adds them from its httpOnly cookie. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: accessTokenKey(config.JWT_ACCESS_SECRET),
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  validate(payload: AccessTokenPayload): { userId: string; sessionId: string; generation: number } | false {
    // Both ids reach SQL and Redis keys: a token (even validly signed) with anything else is refused (401).
    if (!isUuid(payload.sub) || !isUuid(payload.sid)) return false;
    // exp, iat, iss, aud, generation and a bounded lifetime (401 with the reason).
    const problem = accessClaimsProblem(payload, this.config.JWT_ACCESS_TTL_SECONDS);
    if (problem) throw new UnauthorizedException(problem);
    return { userId: payload.sub, sessionId: payload.sid, generation: payload.gen };
  }
}
