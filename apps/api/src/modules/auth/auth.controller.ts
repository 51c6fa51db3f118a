import { Body, Controller, Get, HttpCode, Inject, Patch, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AccessContext } from '../../core/access/access-context';
import { Auth, Authenticated, Public } from '../../core/auth/access.decorator';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import {
  ChangePasswordDto,
  LoginDto,
  MeDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  RefreshDto,
  TokenPairDto,
  UpdateProfileDto,
} from './auth.dto';
import { AuthService, type ClientInfo } from './auth.service';
import { clientAddress } from './client-address';
import { PasswordResetService } from './password-reset.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly resets: PasswordResetService,
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

  @Authenticated()
  @Patch('me')
  @ApiOkResponse({ type: MeDto })
  updateProfile(@Auth() access: AccessContext, @Body() body: UpdateProfileDto): Promise<MeDto> {
    return this.auth.updateProfile(access, body);
  }

  /** Ends every other session of the user; this one goes on with the new pair. */
  @Authenticated()
  @Post('me/password')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiBadRequestResponse({ description: 'the current password is wrong, or the new one too weak' })
  @ApiTooManyRequestsResponse({ description: 'too many wrong current passwords; see Retry-After' })
  changePassword(@Auth() access: AccessContext, @Body() body: ChangePasswordDto, @Req() req: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.changePassword(access, body, this.client(req));
  }

  @Public()
  @Post('password-reset')
  @HttpCode(204)
  @ApiNoContentResponse({ description: "the same answer whether or not the email is an active user's" })
  @ApiTooManyRequestsResponse({ description: 'too many requests for this email or address; see Retry-After' })
  async requestPasswordReset(@Body() body: PasswordResetRequestDto, @Req() req: FastifyRequest): Promise<void> {
    await this.resets.request(body, this.client(req), String(req.id));
  }

  @Public()
  @Post('password-reset/confirm')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the password is set and every session of the user ended' })
  @ApiBadRequestResponse({ description: 'the link is invalid, used or expired, or the password too weak' })
  async confirmPasswordReset(@Body() body: PasswordResetConfirmDto, @Req() req: FastifyRequest): Promise<void> {
    await this.resets.confirm(body, this.client(req));
  }
}
