import { UnrecoverableError, type Job } from 'bullmq';
import type { JobContext, JobHandlers, JobStatus, QueueName } from './jobs.types';

/** A handler as the dispatcher holds it: the payload's type was checked where the handler was declared. */
export type AnyJobHandler = (payload: never, job: JobContext) => Promise<JobStatus>;

/**
 * Runs the handler of `job.name`. A job no handler knows fails at once, without retries, so an unknown
 * or misrouted job shows among the failed jobs instead of completing having done nothing.
 */
export function runJobHandler(handlers: Readonly<Partial<Record<string, AnyJobHandler>>>, job: Job): Promise<JobStatus> {
  const handler = Object.hasOwn(handlers, job.name) ? handlers[job.name] : undefined;
  if (!handler) throw new UnrecoverableError(`no handler for job '${job.name}' on queue '${job.queueName}'`);
  // The one place where data read back from Redis becomes the payload its job name promises.
  return handler(job.data as never, job);
}

/** The typed form of `runJobHandler` for a consumer that keeps its own BullMQ loop (the uplinks queue). */
export function dispatchJob<Q extends QueueName>(handlers: JobHandlers<Q>, job: Job): Promise<JobStatus> {
  return runJobHandler(handlers, job);
}
