import type { JobHandler, JobName } from './jobs.types';

export const JOB_HANDLER = Symbol('job-handler');

export interface OnJobConfig<N extends JobName = JobName> {
  name: N;
}

/**
 * Marks a provider's method as the handler of job `name` (immich's `@OnJob`). The method receives
 * `JobPayloads[name]` and returns a `JobStatus`; the compiler refuses a method whose parameter is not that
 * payload. `JobWorkersService` finds the handlers at start and runs one BullMQ worker per queue
 * (the queue is `JOB_QUEUE[name]`, so it is not repeated here).
 */
export function OnJob<N extends JobName>(config: OnJobConfig<N>) {
  // `{ value?: … }` rather than TypedPropertyDescriptor, whose setter would demand the exact signature
  // (a handler that ignores the payload or the job is fine).
  return (_target: object, _key: string | symbol, descriptor: { value?: JobHandler<N> }): void => {
    Reflect.defineMetadata(JOB_HANDLER, config, descriptor.value!);
  };
}
