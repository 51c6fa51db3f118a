import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth, Authenticated, Public } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { NotificationAdminService } from './notification-admin.service';
import { NotificationCenterService } from './notification-center.service';
import {
  AlarmSubscriptionListDto,
  AlarmSubscriptionListQueryDto,
  CreateAlarmSubscriptionsDto,
  CreatedSubscriptionsDto,
  CreateWebhookDto,
  NotificationListDto,
  NotificationListQueryDto,
  PreferencesDto,
  ReadResultDto,
  UnsubscribeQueryDto,
  UpdatePreferencesDto,
  UpdateWebhookDto,
  WebhookDeliveryListDto,
  WebhookDto,
  WebhookListDto,
  WebhookListQueryDto,
  WebhookTestResultDto,
  WebhookWithSecretDto,
} from './notifications.dto';

const pageLanguage = (acceptLanguage?: string) => (acceptLanguage?.toLowerCase().startsWith('en') ? 'en' : 'tr');

/** The caller's own notification centre and preferences, and the public unsubscribe link of e-mails. */
@ApiTags('notifications')
@Controller()
export class NotificationsController {
  constructor(private readonly center: NotificationCenterService) {}

  @Authenticated()
  @Get('notifications')
  @ApiOkResponse({ type: NotificationListDto })
  list(@Auth() access: AccessContext, @Query() query: NotificationListQueryDto) {
    return this.center.list(access, query);
  }

  @Authenticated()
  @Post('notifications/read-all')
  @HttpCode(200)
  @ApiOkResponse({ type: ReadResultDto })
  readAll(@Auth() access: AccessContext) {
    return this.center.markAllRead(access);
  }

  @Authenticated()
  @Post('notifications/:id/read')
  @HttpCode(200)
  @ApiOkResponse({ type: ReadResultDto })
  read(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.center.markRead(access, id);
  }

  @Authenticated()
  @Get('me/notification-preferences')
  @ApiOkResponse({ type: PreferencesDto })
  preferences(@Auth() access: AccessContext) {
    return this.center.preferences(access);
  }

  @Authenticated()
  @Put('me/notification-preferences')
  @ApiOkResponse({ type: PreferencesDto })
  updatePreferences(@Auth() access: AccessContext, @Body() body: UpdatePreferencesDto) {
    return this.center.updatePreferences(access, body);
  }

  /** The link in every e-mail: signed, expiring, used once; answers a small page. */
  @Public()
  @Get('notifications/unsubscribe')
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'a page saying whether the emails were turned off' })
  async unsubscribe(
    @Query() query: UnsubscribeQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<string> {
    const { html } = await this.center.unsubscribe(query.token, pageLanguage(acceptLanguage));
    // Set here, not by @Header: a refused query must still answer the JSON error body.
    void reply.type('text/html; charset=utf-8');
    return html;
  }

  /** RFC 8058 one-click unsubscribe (List-Unsubscribe-Post), which mail clients send as a POST to the same link. */
  @Public()
  @Post('notifications/unsubscribe')
  @HttpCode(200)
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'a page saying whether the emails were turned off' })
  async unsubscribeOneClick(
    @Query() query: UnsubscribeQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<string> {
    return this.unsubscribe(query, reply, acceptLanguage);
  }
}

/**
 * What operators set for tenants. Alarm subscriptions decide what a person is sent: USERS rights (managing
 * people). Webhook endpoints are the tenant's integrations: TENANTS rights.
 */
@ApiTags('notifications')
@Controller('notifications')
export class NotificationAdminController {
  constructor(private readonly admin: NotificationAdminService) {}

  @Access('USERS', 'read')
  @Get('alarm-subscriptions')
  @ApiOkResponse({ type: AlarmSubscriptionListDto })
  subscriptions(@Auth() access: AccessContext, @Query() query: AlarmSubscriptionListQueryDto) {
    return this.admin.listSubscriptions(access, query);
  }

  @Access('USERS', 'update')
  @Post('alarm-subscriptions')
  @ApiCreatedResponse({ type: CreatedSubscriptionsDto })
  subscribe(@Auth() access: AccessContext, @Body() body: CreateAlarmSubscriptionsDto) {
    return this.admin.subscribe(access, body);
  }

  @Access('USERS', 'update')
  @Delete('alarm-subscriptions/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async unsubscribe(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.admin.unsubscribe(access, id);
  }

  @Access('TENANTS', 'read')
  @Get('webhooks')
  @ApiOkResponse({ type: WebhookListDto })
  webhooks(@Auth() access: AccessContext, @Query() query: WebhookListQueryDto) {
    return this.admin.listWebhooks(access, query.tenantId);
  }

  @Access('TENANTS', 'update')
  @Post('webhooks')
  @ApiCreatedResponse({ type: WebhookWithSecretDto, description: 'the signing secret is shown only in this answer' })
  createWebhook(@Auth() access: AccessContext, @Body() body: CreateWebhookDto) {
    return this.admin.createWebhook(access, body);
  }

  @Access('TENANTS', 'update')
  @Patch('webhooks/:id')
  @ApiOkResponse({ type: WebhookDto })
  updateWebhook(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateWebhookDto) {
    return this.admin.updateWebhook(access, id, body);
  }

  @Access('TENANTS', 'update')
  @Post('webhooks/:id/rotate-secret')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookWithSecretDto })
  rotateWebhookSecret(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.admin.rotateWebhookSecret(access, id);
  }

  @Access('TENANTS', 'update')
  @Post('webhooks/:id/test')
  @HttpCode(202)
  @ApiOkResponse({ type: WebhookTestResultDto })
  testWebhook(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.admin.testWebhook(access, id);
  }

  @Access('TENANTS', 'read')
  @Get('webhooks/:id/deliveries')
  @ApiOkResponse({ type: WebhookDeliveryListDto })
  webhookDeliveries(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.admin.webhookDeliveries(access, id);
  }

  @Access('TENANTS', 'update')
  @Delete('webhooks/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async removeWebhook(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.admin.removeWebhook(access, id);
  }
}
