import { Global, Module } from '@nestjs/common';
import { Mailer, WebhookClient } from './notification-channels';
import { NotificationAdminService } from './notification-admin.service';
import { NotificationCenterService } from './notification-center.service';
import { NotificationDeliveryService } from './notification-delivery.service';
import { NotificationLogController } from './notification-log.controller';
import { NotificationLogRepository } from './notification-log.repository';
import { NotificationLogService } from './notification-log.service';
import { NotificationAdminController, NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { PortalNotificationsController } from './portal-notifications.controller';
import { PortalNotificationsService } from './portal-notifications.service';
import { UnsubscribeLinks } from './unsubscribe-links';

/** `NotificationsService.notify()` for every module of a process (alarms, imports, billing): global, so callers need no import. */
@Global()
@Module({ providers: [NotificationsService], exports: [NotificationsService] })
export class NotificationsCoreModule {}

/** API: the notification centres (console and portal), preferences, unsubscribe links, alarm subscriptions and webhook endpoints. */
@Module({
  imports: [NotificationsCoreModule],
  controllers: [NotificationsController, NotificationAdminController, NotificationLogController, PortalNotificationsController],
  providers: [
    NotificationCenterService,
    PortalNotificationsService,
    NotificationAdminService,
    NotificationsRepository,
    UnsubscribeLinks,
    WebhookClient,
    NotificationLogService,
    NotificationLogRepository,
  ],
})
export class NotificationsModule {}

/** Worker: fan-out and delivery (e-mail, webhook, digest) on the notifications queue. */
@Module({
  imports: [NotificationsCoreModule],
  providers: [NotificationDeliveryService, NotificationsRepository, UnsubscribeLinks, Mailer, WebhookClient],
  exports: [NotificationDeliveryService],
})
export class NotificationsWorkerModule {}
