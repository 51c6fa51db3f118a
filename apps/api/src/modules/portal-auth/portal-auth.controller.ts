import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth, Customer, PortalCustomer, Public } from '../../core/auth/access.decorator';
import type { CustomerPrincipal } from '../../core/auth/portal-session';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { TokenPairDto } from '../auth/auth.dto';
import { clientAddress } from '../auth/client-address';
import {
  PortalChallengeDto,
  PortalChangePasswordDto,
  PortalInvitationDto,
  PortalInvitationInputDto,
  PortalPasswordResetDto,
  PortalPasswordResetVerifyDto,
  PortalAccountStateDto,
  PortalLoginDto,
  PortalRefreshDto,
  PortalSignupDto,
  PortalSignupVerifyDto,
} from './portal-auth.dto';
import { PortalAccountsService } from './portal-accounts.service';
import { PortalAuthService, type ClientInfo } from './portal-auth.service';

const LIMITED = { description: 'too many attempts from this address or for this subject; see Retry-After' };

@ApiTags('portal-auth')
@Controller('portal')
export class PortalAuthController {
  constructor(
    private readonly auth: PortalAuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The browser's address (the portal's server vouches for it as the console's does, see clientAddress). */
  private client(req: FastifyRequest): ClientInfo {
    return { ip: clientAddress(req, this.config.CONSOLE_PROXY_SECRET), userAgent: req.headers['user-agent'], requestId: String(req.id) };
  }

  @Public()
  @Post('auth/signup')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: PortalChallengeDto, description: 'the same answer whether or not the details match' })
  @ApiTooManyRequestsResponse(LIMITED)
  signup(@Body() body: PortalSignupDto, @Req() req: FastifyRequest): Promise<PortalChallengeDto> {
    return this.auth.signup(body, this.client(req));
  }

  @Public()
  @Post('auth/signup/verify')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiTooManyRequestsResponse(LIMITED)
  verifySignup(@Body() body: PortalSignupVerifyDto, @Req() req: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.verifySignup(body, this.client(req));
  }

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiTooManyRequestsResponse(LIMITED)
  login(@Body() body: PortalLoginDto, @Req() req: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.login(body.email, body.password, this.client(req));
  }

  @Public()
  @Post('auth/refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  refresh(@Body() body: PortalRefreshDto, @Req() req: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.refresh(body.refreshToken, this.client(req));
  }

  @Public()
  @Post('auth/logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the session has ended (its access tokens too)' })
  async logout(@Body() body: PortalRefreshDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Public()
  @Post('auth/password-reset')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: PortalChallengeDto, description: 'the same answer whether or not the email is known' })
  @ApiTooManyRequestsResponse(LIMITED)
  passwordReset(@Body() body: PortalPasswordResetDto, @Req() req: FastifyRequest): Promise<PortalChallengeDto> {
    return this.auth.passwordReset(body.email, this.client(req));
  }

  @Public()
  @Post('auth/password-reset/verify')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the password is set; every session of the account has ended' })
  @ApiTooManyRequestsResponse(LIMITED)
  async verifyPasswordReset(@Body() body: PortalPasswordResetVerifyDto, @Req() req: FastifyRequest): Promise<void> {
    await this.auth.verifyPasswordReset(body, this.client(req));
  }

  @PortalCustomer()
  @Post('me/password')
  @HttpCode(204)
  @ApiNoContentResponse({ description: "the password is set; the customer's other sessions have ended" })
  async changePassword(@Customer() customer: CustomerPrincipal, @Body() body: PortalChangePasswordDto): Promise<void> {
    await this.auth.changePassword(customer, body.currentPassword, body.newPassword);
  }
}

/** Operators: a customer's portal account and invitations (CUSTOMERS rights on the customer's tenant). */
@ApiTags('portal-accounts')
@Controller('customers/:id')
export class PortalAccountsController {
  constructor(private readonly accounts: PortalAccountsService) {}

  @Access('CUSTOMERS', 'read')
  @Get('portal-account')
  @ApiOkResponse({ type: PortalAccountStateDto })
  state(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<PortalAccountStateDto> {
    return this.accounts.state(access, id);
  }

  @Access('CUSTOMERS', 'update')
  @Post('portal-invitations')
  @ApiCreatedResponse({ type: PortalInvitationDto })
  invite(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: PortalInvitationInputDto,
  ): Promise<PortalInvitationDto> {
    return this.accounts.invite(access, id, body);
  }

  @Access('CUSTOMERS', 'update')
  @Post('portal-account/deactivate')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the account is inactive and signed out everywhere' })
  async deactivate(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.accounts.setActive(access, id, false);
  }

  @Access('CUSTOMERS', 'update')
  @Post('portal-account/activate')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the account may sign in again' })
  async activate(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.accounts.setActive(access, id, true);
  }
}
