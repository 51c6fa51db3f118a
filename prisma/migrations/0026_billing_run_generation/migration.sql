-- A billing run's compute job is keyed by (run, queue_generation): re-posting a run that is QUEUED or
-- RUNNING enqueues the same job id again, which BullMQ ignores while that job exists and adds when it was
-- lost (a process that died between committing the run and enqueueing its job); re-running a DRAFT or
-- FAILED period takes the next generation, a new job (issue 18).
ALTER TABLE "billing_run" ADD COLUMN "queue_generation" INTEGER NOT NULL DEFAULT 1;
