import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AccessContext } from '../../core/access/access-context';
import { Auth, Authenticated, Public } from '../../core/auth/access.decorator';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { LoginDto, MeDto, RefreshDto, TokenPairDto } from './auth.dto';
import { AuthService, type ClientInfo } from './auth.service';
import { clientAddress } from './client-address';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The browser's address (see clientAddress: the console vouches for it with CONSOLE_PROXY_SECRET). */
  private client(req: FastifyRequest): ClientInfo {
    return { ip: clientAddress(req, this.config.CONSOLE_PROXY_SECRET), userAgent: req.headers['user-agent'] };
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiTooManyRequestsResponse({ description: 'too many attempts for this account or address; see Retry-After' })
  login(@Body() body: LoginDto, @Req() req: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.login(body.email, body.password, this.client(req));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  refresh(@Body() body: RefreshDto, @Req() req: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.refresh(body.refreshToken, this.client(req));
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Authenticated()
  @Get('me')
  @ApiOkResponse({ type: MeDto })
  me(@Auth() access: AccessContext): Promise<MeDto> {
    return this.auth.me(access);
  }
}
