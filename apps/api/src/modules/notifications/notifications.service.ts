import { Injectable, Logger } from '@nestjs/common';
import { JobsService } from '../../core/jobs/jobs.service';
import { JobName } from '../../core/jobs/jobs.types';
import type { NotificationEvents, NotificationEventType } from './notifications.events';

/**
 * The one way another module tells people about something: `notify('alarm.opened', alarmEvent)`.
 * It only queues the event (cheap enough for the uplink path); the worker decides who is told, on
 * which channels, and delivers (NotificationDeliveryService). Provided everywhere (NotificationsModule
 * is global), so a caller injects it without importing the module.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger('notifications');

  constructor(private readonly jobs: JobsService) {}

  /** Never throws: a notification that cannot be queued is logged, and the caller's work goes on. */
  async notify<E extends NotificationEventType>(event: E, payload: NotificationEvents[E], at: Date = new Date()): Promise<void> {
    try {
      await this.jobs.enqueue(JobName.NotifyEvent, { event, payload: { ...payload }, at: at.toISOString() });
    } catch (err) {
      this.logger.error({ err, event }, 'could not queue a notification');
    }
  }
}
