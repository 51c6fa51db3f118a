-- Billing, first slice (issue 18): tariffs and their effective-dated versions. Money is integer kuruş,
-- rates integer basis points (1 % = 100), volumes m³ with three decimals; the rules live in
-- docs/decisions.md ("Billing: tariffs and pricing").

-- The permission matrix gains the BILLING module (rights granted in 0017: a new enum value cannot be
-- used in the transaction that adds it).
ALTER TYPE "permission_module" ADD VALUE IF NOT EXISTS 'BILLING';

-- Exclusion constraints below mix uuid equality with range overlap.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TYPE "tariff_wastewater_mode" AS ENUM ('NONE', 'PER_M3', 'SHARE_OF_WATER');

-- A tariff: one tenant's prices for one subscription type and group (group NULL: every group without
-- its own tariff). Children inherit it unless they define their own for the same scope.
CREATE TABLE "tariff" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "code" VARCHAR(30) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "subscription_type" "subscription_type" NOT NULL,
    "subscription_group_id" UUID,
    "currency" CHAR(3) NOT NULL DEFAULT 'TRY',
    "is_example" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tariff_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tariff_currency_try" CHECK ("currency" = 'TRY'),
    CONSTRAINT "tariff_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE,
    CONSTRAINT "tariff_subscription_group_id_fkey" FOREIGN KEY ("subscription_group_id") REFERENCES "subscription_group"("id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "tariff_tenant_id_code_key" ON "tariff" ("tenant_id", "code");
-- One tariff per tenant and scope.
CREATE UNIQUE INDEX "tariff_scope" ON "tariff" ("tenant_id", "subscription_type", coalesce("subscription_group_id", '00000000-0000-0000-0000-000000000000'::uuid));

-- A version: the prices in force from effective_from (inclusive) to effective_to (exclusive, NULL while
-- open-ended). Versions of one tariff never overlap; the database refuses it too.
CREATE TABLE "tariff_version" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tariff_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "effective_from" DATE NOT NULL,
    "effective_to" DATE,
    "fixed_charge_kurus" INTEGER NOT NULL DEFAULT 0,
    "fixed_vat_rate_bp" INTEGER NOT NULL DEFAULT 0,
    "water_vat_rate_bp" INTEGER NOT NULL DEFAULT 0,
    "wastewater_mode" "tariff_wastewater_mode" NOT NULL DEFAULT 'NONE',
    "wastewater_unit_price_kurus" INTEGER NOT NULL DEFAULT 0,
    "wastewater_share_bp" INTEGER NOT NULL DEFAULT 0,
    "wastewater_vat_rate_bp" INTEGER NOT NULL DEFAULT 0,
    "minimum_charge_kurus" INTEGER NOT NULL DEFAULT 0,
    "late_payment_interest_bp" INTEGER NOT NULL DEFAULT 0,
    "note" VARCHAR(500),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tariff_version_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tariff_version_dates" CHECK ("effective_to" IS NULL OR "effective_to" > "effective_from"),
    CONSTRAINT "tariff_version_amounts" CHECK ("fixed_charge_kurus" >= 0 AND "wastewater_unit_price_kurus" >= 0 AND "minimum_charge_kurus" >= 0 AND "late_payment_interest_bp" >= 0),
    CONSTRAINT "tariff_version_rates" CHECK ("fixed_vat_rate_bp" BETWEEN 0 AND 10000 AND "water_vat_rate_bp" BETWEEN 0 AND 10000
        AND "wastewater_vat_rate_bp" BETWEEN 0 AND 10000 AND "wastewater_share_bp" BETWEEN 0 AND 10000),
    CONSTRAINT "tariff_version_tariff_id_fkey" FOREIGN KEY ("tariff_id") REFERENCES "tariff"("id") ON DELETE CASCADE,
    CONSTRAINT "tariff_version_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE,
    CONSTRAINT "tariff_version_no_overlap" EXCLUDE USING gist ("tariff_id" WITH =, daterange("effective_from", "effective_to", '[)') WITH &&)
);
CREATE INDEX "tariff_version_tenant_id_idx" ON "tariff_version" ("tenant_id");

-- Volumetric blocks: [from_m3, to_m3) at a unit price, the last open (to_m3 NULL). The API checks that
-- they start at 0 without gaps; the database refuses overlaps.
CREATE TABLE "tariff_tier" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "version_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "ordinal" SMALLINT NOT NULL,
    "from_m3" DECIMAL(12,3) NOT NULL,
    "to_m3" DECIMAL(12,3),
    "unit_price_kurus" INTEGER NOT NULL,
    CONSTRAINT "tariff_tier_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tariff_tier_bounds" CHECK ("from_m3" >= 0 AND ("to_m3" IS NULL OR "to_m3" > "from_m3")),
    CONSTRAINT "tariff_tier_price" CHECK ("unit_price_kurus" >= 0),
    CONSTRAINT "tariff_tier_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "tariff_version"("id") ON DELETE CASCADE,
    CONSTRAINT "tariff_tier_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE,
    CONSTRAINT "tariff_tier_no_overlap" EXCLUDE USING gist ("version_id" WITH =, numrange("from_m3", "to_m3", '[)') WITH &&)
);
CREATE UNIQUE INDEX "tariff_tier_version_id_ordinal_key" ON "tariff_tier" ("version_id", "ordinal");
CREATE INDEX "tariff_tier_tenant_id_idx" ON "tariff_tier" ("tenant_id");

-- Other per-m³ charges (environmental fee, taxes), each with its VAT rate.
CREATE TABLE "tariff_fee" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "version_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "ordinal" SMALLINT NOT NULL,
    "code" VARCHAR(30) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "unit_price_kurus" INTEGER NOT NULL,
    "vat_rate_bp" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "tariff_fee_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tariff_fee_price" CHECK ("unit_price_kurus" >= 0 AND "vat_rate_bp" BETWEEN 0 AND 10000),
    CONSTRAINT "tariff_fee_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "tariff_version"("id") ON DELETE CASCADE,
    CONSTRAINT "tariff_fee_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "tariff_fee_version_id_code_key" ON "tariff_fee" ("version_id", "code");
CREATE INDEX "tariff_fee_tenant_id_idx" ON "tariff_fee" ("tenant_id");

-- Row-level security as migration 0010. Inherited tariffs of an ancestor are read by the API as system
-- work after its own access check (as meter-data settings are).
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tariff', 'tariff_version', 'tariff_tier', 'tariff_fee'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_scope ON %I TO water_api
         USING ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))
         WITH CHECK ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON "tariff", "tariff_version", "tariff_tier", "tariff_fee" TO water_api;
