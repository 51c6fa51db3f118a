import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { isUuid } from '../http/id-param.pipe';

export const JWT_ISSUER = 'water-api';
export const JWT_AUDIENCE = 'water-console';

export interface AccessTokenPayload {
  sub: string;
  sid: string;
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
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: accessTokenKey(config.JWT_ACCESS_SECRET),
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  validate(payload: AccessTokenPayload): { userId: string; sessionId: string } | false {
    // Both ids reach SQL and Redis keys: a token (even validly signed) with anything else is refused (401).
    if (!isUuid(payload.sub) || !isUuid(payload.sid)) return false;
    return { userId: payload.sub, sessionId: payload.sid };
  }
}
