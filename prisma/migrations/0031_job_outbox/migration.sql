-- The transactional outbox (docs/decisions.md, "Nothing queued is lost between a commit and its enqueue"): a job
-- is written here in the transaction of the row it is about, enqueued after the commit and deleted; the worker's
-- relay enqueues what a dead process or an absent Redis left. By hand below: checks and the grant. No row-level
-- security: system rows no tenant scope reaches, read only by core/jobs.

-- CreateTable
CREATE TABLE "job_outbox" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "job_name" VARCHAR(60) NOT NULL,
    "job_id" VARCHAR(200) NOT NULL,
    "payload" JSONB NOT NULL,
    "options" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "job_outbox_job_id_key" ON "job_outbox"("job_id");

-- CreateIndex
CREATE INDEX "job_outbox_created_at_idx" ON "job_outbox"("created_at");

-- By hand: checks. BullMQ refuses ids that are only digits, and ':' is its key separator.
ALTER TABLE "job_outbox"
  ADD CONSTRAINT "job_outbox_job_id_check" CHECK ("job_id" !~ '^[0-9]+$' AND position(':' in "job_id") = 0),
  ADD CONSTRAINT "job_outbox_options_check" CHECK (jsonb_typeof("options") = 'object' AND NOT "options" ? 'jobId');

GRANT SELECT, INSERT, UPDATE, DELETE ON "job_outbox" TO water_api;
