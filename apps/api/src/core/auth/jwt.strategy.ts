import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, type AppConfig } from '../config/config';

export const JWT_ISSUER = 'water-api';
export const JWT_AUDIENCE = 'water-console';

export interface AccessTokenPayload {
  sub: string;
  sid: string;
}

/** Bearer access tokens (HS256, short-lived). The web console's server adds them from its httpOnly cookie. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.JWT_ACCESS_SECRET,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  validate(payload: AccessTokenPayload): { userId: string; sessionId: string } {
    return { userId: payload.sub, sessionId: payload.sid };
  }
}
