-- Imports (issue 17): uploaded files kept in PostgreSQL in 1 MiB chunks (every API node and the worker
-- read them as a stream, no shared disk needed), import jobs with their counts, and per-row errors.
CREATE TYPE "import_kind" AS ENUM ('READINGS', 'METERS', 'CUSTOMERS', 'DEVICES');
CREATE TYPE "import_status" AS ENUM ('QUEUED', 'RUNNING', 'DONE', 'FAILED');

CREATE TABLE "import_file" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "format" VARCHAR(4) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "import_file_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "import_file_format_check" CHECK ("format" IN ('CSV', 'XLSX')),
    CONSTRAINT "import_file_size_check" CHECK ("size_bytes" >= 0),
    CONSTRAINT "import_file_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "import_file_tenant_id_idx" ON "import_file"("tenant_id");

CREATE TABLE "import_file_chunk" (
    "file_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    CONSTRAINT "import_file_chunk_pkey" PRIMARY KEY ("file_id", "seq"),
    CONSTRAINT "import_file_chunk_seq_check" CHECK ("seq" >= 0),
    CONSTRAINT "import_file_chunk_file_id_fkey" FOREIGN KEY ("file_id") REFERENCES "import_file"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- Chunks are written once and read in order; keep them out of line and uncompressed (CSV is read back at once).
ALTER TABLE "import_file_chunk" ALTER COLUMN "data" SET STORAGE EXTERNAL;

CREATE TABLE "import_job" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "file_id" UUID NOT NULL,
    "kind" "import_kind" NOT NULL,
    "dry_run" BOOLEAN NOT NULL,
    "status" "import_status" NOT NULL DEFAULT 'QUEUED',
    "encoding" VARCHAR(20),
    "delimiter" VARCHAR(2),
    "used_encoding" VARCHAR(20),
    "used_delimiter" VARCHAR(2),
    "scope_tenant_ids" UUID[] NOT NULL DEFAULT '{}',
    "total_rows" INTEGER NOT NULL DEFAULT 0,
    "created_rows" INTEGER NOT NULL DEFAULT 0,
    "unchanged_rows" INTEGER NOT NULL DEFAULT 0,
    "failed_rows" INTEGER NOT NULL DEFAULT 0,
    "message" VARCHAR(1000),
    "created_by" UUID,
    "request_id" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "import_job_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "import_job_counts_check" CHECK ("total_rows" >= 0 AND "created_rows" >= 0 AND "unchanged_rows" >= 0 AND "failed_rows" >= 0),
    CONSTRAINT "import_job_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "import_job_file_id_fkey" FOREIGN KEY ("file_id") REFERENCES "import_file"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "import_job_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE INDEX "import_job_tenant_id_created_at_idx" ON "import_job"("tenant_id", "created_at" DESC);
CREATE INDEX "import_job_file_id_idx" ON "import_job"("file_id");

CREATE TABLE "import_row_error" (
    "job_id" UUID NOT NULL,
    "row_no" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "column" VARCHAR(100),
    "message" VARCHAR(500) NOT NULL,
    CONSTRAINT "import_row_error_pkey" PRIMARY KEY ("job_id", "row_no", "seq"),
    CONSTRAINT "import_row_error_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "import_job"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Row-level security as for the other tenant tables (migration 0010). Chunks and row errors are reached
-- only through their file or job, which the API reads under the policy first.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['import_file', 'import_job'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_scope ON %I TO water_api
         USING ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))
         WITH CHECK ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))', t);
  END LOOP;
END $$;
