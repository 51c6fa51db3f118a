-- Customer portal (issue 19): customers' own sign-in (portal_account, its refresh tokens, one-time codes by
-- e-mail), KVKK consent records, their notification preferences; notifications and unsubscribe grants
-- may now be a portal account's instead of an operator's. By hand below: checks, append-only consent, RLS.

-- CreateEnum
CREATE TYPE "portal_challenge_purpose" AS ENUM ('SIGNUP', 'INVITATION', 'PASSWORD_RESET');

-- AlterTable
ALTER TABLE "notification" ADD COLUMN     "portal_account_id" UUID,
ALTER COLUMN "user_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "notification_unsubscribe" ADD COLUMN     "portal_account_id" UUID,
ALTER COLUMN "user_id" DROP NOT NULL;

-- CreateTable
CREATE TABLE "portal_account" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "email" CITEXT NOT NULL,
    "password_hash" VARCHAR(200) NOT NULL,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "session_generation" INTEGER NOT NULL DEFAULT 0,
    "language" VARCHAR(5) NOT NULL DEFAULT 'tr',
    "quiet_start" SMALLINT,
    "quiet_end" SMALLINT,
    "urgent_overrides" BOOLEAN NOT NULL DEFAULT true,
    "email_digest" BOOLEAN NOT NULL DEFAULT false,
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "portal_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "portal_refresh_token" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "account_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "family_id" UUID NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "rotated_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_agent" VARCHAR(300),
    "ip_address" VARCHAR(64),

    CONSTRAINT "portal_refresh_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "portal_challenge" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "purpose" "portal_challenge_purpose" NOT NULL,
    "tenant_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "account_id" UUID,
    "email" CITEXT NOT NULL,
    "code_hash" CHAR(64) NOT NULL,
    "code_sealed" VARCHAR(300),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "email_status" "notification_delivery_status" NOT NULL DEFAULT 'QUEUED',
    "email_reason" VARCHAR(500),
    "email_attempts" INTEGER NOT NULL DEFAULT 0,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "portal_challenge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "portal_consent" (
    "id" BIGSERIAL NOT NULL,
    "account_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" VARCHAR(40) NOT NULL,
    "version" VARCHAR(20) NOT NULL,
    "granted" BOOLEAN NOT NULL,
    "ip_address" VARCHAR(64),
    "user_agent" VARCHAR(300),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "portal_consent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "portal_notification_preference" (
    "account_id" UUID NOT NULL,
    "event_type" VARCHAR(60) NOT NULL,
    "channel" "notification_channel" NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "portal_notification_preference_pkey" PRIMARY KEY ("account_id","event_type","channel")
);

-- CreateIndex
CREATE UNIQUE INDEX "portal_account_customer_id_key" ON "portal_account"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "portal_account_email_key" ON "portal_account"("email");

-- CreateIndex
CREATE INDEX "portal_account_tenant_id_idx" ON "portal_account"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "portal_account_customer_id_tenant_id_key" ON "portal_account"("customer_id", "tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "portal_refresh_token_token_hash_key" ON "portal_refresh_token"("token_hash");

-- CreateIndex
CREATE INDEX "portal_refresh_token_family_id_idx" ON "portal_refresh_token"("family_id");

-- CreateIndex
CREATE INDEX "portal_refresh_token_account_id_idx" ON "portal_refresh_token"("account_id");

-- CreateIndex
CREATE INDEX "portal_challenge_customer_id_created_at_idx" ON "portal_challenge"("customer_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "portal_challenge_email_created_at_idx" ON "portal_challenge"("email", "created_at" DESC);

-- CreateIndex
CREATE INDEX "portal_challenge_tenant_id_created_at_idx" ON "portal_challenge"("tenant_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "portal_consent_account_id_kind_created_at_idx" ON "portal_consent"("account_id", "kind", "created_at" DESC);

-- CreateIndex
CREATE INDEX "notification_portal_account_id_created_at_idx" ON "notification"("portal_account_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "notification_portal_account_id_dedupe_key_created_at_idx" ON "notification"("portal_account_id", "dedupe_key", "created_at" DESC);

-- CreateIndex
CREATE INDEX "notification_unsubscribe_portal_account_id_idx" ON "notification_unsubscribe"("portal_account_id");

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_portal_account_id_fkey" FOREIGN KEY ("portal_account_id") REFERENCES "portal_account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_unsubscribe" ADD CONSTRAINT "notification_unsubscribe_portal_account_id_fkey" FOREIGN KEY ("portal_account_id") REFERENCES "portal_account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "portal_account" ADD CONSTRAINT "portal_account_customer_id_tenant_id_fkey" FOREIGN KEY ("customer_id", "tenant_id") REFERENCES "customer"("id", "tenant_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "portal_refresh_token" ADD CONSTRAINT "portal_refresh_token_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "portal_account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "portal_challenge" ADD CONSTRAINT "portal_challenge_customer_id_tenant_id_fkey" FOREIGN KEY ("customer_id", "tenant_id") REFERENCES "customer"("id", "tenant_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "portal_challenge" ADD CONSTRAINT "portal_challenge_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "portal_account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "portal_consent" ADD CONSTRAINT "portal_consent_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "portal_account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "portal_notification_preference" ADD CONSTRAINT "portal_notification_preference_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "portal_account"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- By hand: what Prisma does not express.
ALTER TABLE "notification" ADD CONSTRAINT "notification_recipient_check" CHECK (num_nonnulls("user_id", "portal_account_id") = 1);
ALTER TABLE "notification_unsubscribe" ADD CONSTRAINT "notification_unsubscribe_recipient_check" CHECK (num_nonnulls("user_id", "portal_account_id") = 1);
CREATE INDEX "notification_portal_unread_idx" ON "notification" ("portal_account_id") WHERE "read_at" IS NULL AND "portal_account_id" IS NOT NULL;
ALTER TABLE "portal_account"
  ADD CONSTRAINT "portal_account_quiet_check" CHECK (
    ("quiet_start" IS NULL) = ("quiet_end" IS NULL)
    AND ("quiet_start" IS NULL OR ("quiet_start" BETWEEN 0 AND 1439 AND "quiet_end" BETWEEN 0 AND 1439 AND "quiet_start" <> "quiet_end"))),
  ADD CONSTRAINT "portal_account_language_check" CHECK ("language" IN ('tr', 'en')),
  ADD CONSTRAINT "portal_account_generation_check" CHECK ("session_generation" >= 0);
ALTER TABLE "portal_challenge"
  ADD CONSTRAINT "portal_challenge_attempts_check" CHECK ("attempts" >= 0 AND "email_attempts" >= 0),
  ADD CONSTRAINT "portal_challenge_reset_check" CHECK (("purpose" = 'PASSWORD_RESET') = ("account_id" IS NOT NULL)),
  ADD CONSTRAINT "portal_challenge_email_status_check" CHECK ("email_status" IN ('QUEUED', 'SENT', 'FAILED'));
ALTER TABLE "portal_refresh_token" ADD CONSTRAINT "portal_refresh_token_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "portal_consent" ADD CONSTRAINT "portal_consent_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "portal_consent" ADD CONSTRAINT "portal_consent_kind_check" CHECK ("kind" ~ '^[A-Z][A-Z0-9_]{1,39}$');

-- A consent given or withdrawn is a record, never rewritten (0019's water_append_only); a deleted account takes its records.
CREATE TRIGGER "portal_consent_append_only" BEFORE UPDATE ON "portal_consent"
  FOR EACH ROW EXECUTE FUNCTION water_append_only();

-- Row-level security as in 0021: the tables with a tenant follow the caller's scope (a customer's requests run
-- in their tenant's scope; the portal's services add the customer itself to every query).
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['portal_account', 'portal_refresh_token', 'portal_challenge', 'portal_consent'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_scope ON %I TO water_api
         USING ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))
         WITH CHECK ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON "portal_account", "portal_refresh_token", "portal_challenge", "portal_notification_preference" TO water_api;
GRANT SELECT, INSERT ON "portal_consent" TO water_api;
GRANT USAGE, SELECT ON SEQUENCE "portal_consent_id_seq" TO water_api;
