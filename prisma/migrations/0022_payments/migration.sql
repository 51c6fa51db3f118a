-- Payments (issue 18): bank statements with their lines and what became of each, the payment provider's
-- settings per tenant (encrypted webhook signing secret) and the provider events received once each.
-- Payments, allocations and ledger entries themselves are 0019's. Rules: docs/decisions.md
-- ("Billing: payments and ledger").

-- CreateEnum
CREATE TYPE "bank_statement_format" AS ENUM ('CAMT053', 'CSV');

-- CreateEnum
CREATE TYPE "bank_statement_line_status" AS ENUM ('MATCHED', 'AMBIGUOUS', 'UNMATCHED', 'ASSIGNED', 'IGNORED', 'DEBIT', 'DUPLICATE');

-- CreateTable
CREATE TABLE "bank_statement" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "format" "bank_statement_format" NOT NULL,
    "file_name" VARCHAR(255) NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "statement_ref" VARCHAR(100) NOT NULL,
    "account" VARCHAR(50),
    "from_date" DATE,
    "to_date" DATE,
    "line_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by_id" UUID,

    CONSTRAINT "bank_statement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bank_statement_line" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "statement_id" UUID NOT NULL,
    "line_no" INTEGER NOT NULL,
    "entry_ref" VARCHAR(100) NOT NULL,
    "booking_date" DATE NOT NULL,
    "amount_kurus" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "is_credit" BOOLEAN NOT NULL,
    "reference" VARCHAR(500) NOT NULL,
    "payer_name" VARCHAR(200),
    "status" "bank_statement_line_status" NOT NULL,
    "candidates" JSONB NOT NULL DEFAULT '[]',
    "payment_id" UUID,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by_id" UUID,

    CONSTRAINT "bank_statement_line_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_provider_settings" (
    "tenant_id" UUID NOT NULL,
    "provider" VARCHAR(20) NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "secret_ciphertext" VARCHAR(500) NOT NULL,
    "secret_fingerprint" VARCHAR(16) NOT NULL,
    "previous_ciphertext" VARCHAR(500),
    "previous_valid_until" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by_id" UUID,

    CONSTRAINT "payment_provider_settings_pkey" PRIMARY KEY ("tenant_id","provider")
);

-- CreateTable
CREATE TABLE "payment_provider_event" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "provider" VARCHAR(20) NOT NULL,
    "event_id" VARCHAR(255) NOT NULL,
    "type" VARCHAR(100) NOT NULL,
    "outcome" VARCHAR(20) NOT NULL,
    "detail" VARCHAR(300),
    "payment_id" UUID,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_provider_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "bank_statement_tenant_id_sha256_key" ON "bank_statement"("tenant_id", "sha256");

-- CreateIndex
CREATE INDEX "bank_statement_tenant_id_created_at_idx" ON "bank_statement"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "bank_statement_line_statement_id_line_no_key" ON "bank_statement_line"("statement_id", "line_no");

-- CreateIndex
CREATE INDEX "bank_statement_line_tenant_id_status_idx" ON "bank_statement_line"("tenant_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "payment_provider_event_tenant_id_provider_event_id_key" ON "payment_provider_event"("tenant_id", "provider", "event_id");

-- CreateIndex
CREATE INDEX "payment_provider_event_tenant_id_received_at_idx" ON "payment_provider_event"("tenant_id", "received_at");


-- ─── Written by hand ───────────────────────────────────────────────────────────────────────────

CREATE UNIQUE INDEX "bank_statement_id_tenant_id_key" ON "bank_statement" ("id", "tenant_id");

ALTER TABLE "bank_statement"
  ADD CONSTRAINT "bank_statement_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD CONSTRAINT "bank_statement_sha256_hex" CHECK ("sha256" ~ '^[0-9a-f]{64}$'),
  ADD CONSTRAINT "bank_statement_dates" CHECK ("from_date" IS NULL OR "to_date" IS NULL OR "from_date" <= "to_date");

ALTER TABLE "bank_statement_line"
  ADD CONSTRAINT "bank_statement_line_statement_id_tenant_id_fkey" FOREIGN KEY ("statement_id", "tenant_id") REFERENCES "bank_statement"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD CONSTRAINT "bank_statement_line_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD CONSTRAINT "bank_statement_line_amount" CHECK ("amount_kurus" > 0),
  -- A debit is only recorded; a line booked (matched or assigned) names its payment, a waiting one none.
  ADD CONSTRAINT "bank_statement_line_state" CHECK (
    ("status" = 'DEBIT') = (NOT "is_credit")
    AND (("status" IN ('MATCHED', 'ASSIGNED', 'DUPLICATE')) = ("payment_id" IS NOT NULL)));

ALTER TABLE "payment_provider_settings"
  ADD CONSTRAINT "payment_provider_settings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  ADD CONSTRAINT "payment_provider_settings_provider" CHECK ("provider" IN ('stripe'));

ALTER TABLE "payment_provider_event"
  ADD CONSTRAINT "payment_provider_event_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD CONSTRAINT "payment_provider_event_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD CONSTRAINT "payment_provider_event_outcome" CHECK ("outcome" IN ('APPLIED', 'IGNORED', 'UNMATCHED'));

-- Statements and provider events are records of what arrived: written once (a statement line's status
-- moves on while it waits for an operator, nothing else of it changes; 0019's water_append_only).
CREATE TRIGGER "bank_statement_append_only" BEFORE UPDATE OR DELETE ON "bank_statement"
  FOR EACH ROW EXECUTE FUNCTION water_append_only();
CREATE TRIGGER "payment_provider_event_append_only" BEFORE UPDATE OR DELETE ON "payment_provider_event"
  FOR EACH ROW EXECUTE FUNCTION water_append_only();

CREATE FUNCTION water_bank_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD."status" NOT IN ('AMBIGUOUS', 'UNMATCHED')
     OR (to_jsonb(NEW) - ARRAY['status', 'payment_id', 'resolved_at', 'resolved_by_id'])
        IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'payment_id', 'resolved_at', 'resolved_by_id']) THEN
    RAISE EXCEPTION 'bank statement lines are immutable once resolved' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'bank_statement_line_immutable';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "bank_statement_line_guard" BEFORE UPDATE OR DELETE ON "bank_statement_line"
  FOR EACH ROW EXECUTE FUNCTION water_bank_line_guard();

-- Row-level security as migration 0010.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['bank_statement', 'bank_statement_line', 'payment_provider_settings', 'payment_provider_event'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_scope ON %I TO water_api
         USING ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))
         WITH CHECK ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT ON "bank_statement", "payment_provider_event" TO water_api;
GRANT SELECT, INSERT, UPDATE ON "bank_statement_line" TO water_api;
GRANT SELECT, INSERT, UPDATE, DELETE ON "payment_provider_settings" TO water_api;
