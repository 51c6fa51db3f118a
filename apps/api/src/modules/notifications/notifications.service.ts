import { Injectable, Logger } from '@nestjs/common';
import type { Transaction } from '../../core/database/unit-of-work';
import { JobOutbox } from '../../core/jobs/job-outbox';
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

  constructor(
    private readonly jobs: JobsService,
    private readonly outbox: JobOutbox,
  ) {}

  /** Never throws: a notification that cannot be queued is logged, and the caller's work goes on. */
  async notify<E extends NotificationEventType>(event: E, payload: NotificationEvents[E], at: Date = new Date()): Promise<void> {
    try {
      await this.jobs.enqueue(JobName.NotifyEvent, { event, payload: { ...payload }, at: at.toISOString() });
    } catch (err) {
      this.logger.error({ err, event }, 'could not queue a notification');
    }
  }

  /**
   * The event of a change made in `tx`, queued with it (the job outbox): told once the change commits, never
   * if it rolls back, and still told when the process dies right after the commit. `key` names the change
   * (e.g. the invoice's id): one event of a type per key is queued while BullMQ keeps its job.
   */
  async notifyWith<E extends NotificationEventType>(
    tx: Transaction,
    event: E,
    payload: NotificationEvents[E],
    key: string,
    at: Date = new Date(),
  ): Promise<void> {
    await this.outbox.add(
      tx,
      JobName.NotifyEvent,
      { event, payload: { ...payload }, at: at.toISOString() },
      { jobId: `notify-${event}-${key}` },
    );
  }
}
