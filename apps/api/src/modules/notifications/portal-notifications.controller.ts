import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Customer, PortalCustomer } from '../../core/auth/access.decorator';
import type { CustomerPrincipal } from '../../core/auth/portal-session';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { PortalNotificationListDto, PortalNotificationListQueryDto, PreferencesDto, UpdatePortalPreferencesDto } from './notifications.dto';
import { PortalNotificationsService } from './portal-notifications.service';

/** The customer's notification centre and preferences in the portal (a portal token only; their own rows only). */
@ApiTags('portal')
@Controller('portal')
export class PortalNotificationsController {
  constructor(private readonly notifications: PortalNotificationsService) {}

  @PortalCustomer()
  @Get('notifications')
  @ApiOkResponse({ type: PortalNotificationListDto })
  list(@Customer() customer: CustomerPrincipal, @Query() query: PortalNotificationListQueryDto) {
    return this.notifications.list(customer, query);
  }

  @PortalCustomer()
  @Post('notifications/read-all')
  @HttpCode(204)
  @ApiNoContentResponse()
  async readAll(@Customer() customer: CustomerPrincipal): Promise<void> {
    await this.notifications.markAllRead(customer);
  }

  @PortalCustomer()
  @Post('notifications/:id/read')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'no such notification of this account' })
  async read(@Customer() customer: CustomerPrincipal, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.notifications.markRead(customer, id);
  }

  @PortalCustomer()
  @Get('notification-preferences')
  @ApiOkResponse({ type: PreferencesDto })
  preferences(@Customer() customer: CustomerPrincipal) {
    return this.notifications.preferences(customer);
  }

  @PortalCustomer()
  @Put('notification-preferences')
  @ApiOkResponse({ type: PreferencesDto })
  updatePreferences(@Customer() customer: CustomerPrincipal, @Body() body: UpdatePortalPreferencesDto) {
    return this.notifications.updatePreferences(customer, body);
  }
}
