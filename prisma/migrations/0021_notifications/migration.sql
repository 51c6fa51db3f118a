-- Notifications (issue 19): notifications and their deliveries per channel, users' settings and preferences,
-- tenants' alarm subscriptions and webhook endpoints with their deliveries, unsubscribe grants.
-- By hand below: checks and row-level security.

-- CreateEnum
CREATE TYPE "notification_severity" AS ENUM ('INFO', 'SUCCESS', 'WARNING', 'CRITICAL');

-- CreateEnum
CREATE TYPE "notification_channel" AS ENUM ('EMAIL', 'IN_APP');

-- CreateEnum
CREATE TYPE "notification_delivery_status" AS ENUM ('QUEUED', 'SENT', 'FAILED', 'SUPPRESSED');

-- CreateTable
CREATE TABLE "notification" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "event_type" VARCHAR(60) NOT NULL,
    "severity" "notification_severity" NOT NULL,
    "title" VARCHAR(300) NOT NULL,
    "body" VARCHAR(4000) NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "dedupe_key" VARCHAR(300),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_delivery" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "notification_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "channel" "notification_channel" NOT NULL,
    "status" "notification_delivery_status" NOT NULL DEFAULT 'QUEUED',
    "reason" VARCHAR(500),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "provider_message_id" VARCHAR(300),
    "digest" BOOLEAN NOT NULL DEFAULT false,
    "not_before" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "notification_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_settings" (
    "user_id" UUID NOT NULL,
    "language" VARCHAR(5) NOT NULL DEFAULT 'tr',
    "quiet_start" SMALLINT,
    "quiet_end" SMALLINT,
    "urgent_overrides" BOOLEAN NOT NULL DEFAULT true,
    "email_digest" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_settings_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "notification_preference" (
    "user_id" UUID NOT NULL,
    "event_type" VARCHAR(60) NOT NULL,
    "channel" "notification_channel" NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_preference_pkey" PRIMARY KEY ("user_id","event_type","channel")
);

-- CreateTable
CREATE TABLE "notification_alarm_subscription" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "alarm_type" "alarm_type" NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_alarm_subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_endpoint" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "url" VARCHAR(2000) NOT NULL,
    "secret" VARCHAR(100) NOT NULL,
    "event_types" VARCHAR(60)[] DEFAULT ARRAY[]::VARCHAR(60)[],
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_endpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_delivery" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "endpoint_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "event_type" VARCHAR(60) NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "notification_delivery_status" NOT NULL DEFAULT 'QUEUED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "http_status" INTEGER,
    "reason" VARCHAR(500),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_unsubscribe" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "event_type" VARCHAR(60) NOT NULL,
    "channel" "notification_channel" NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_unsubscribe_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "notification_user_id_created_at_idx" ON "notification"("user_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "notification_user_id_dedupe_key_created_at_idx" ON "notification"("user_id", "dedupe_key", "created_at" DESC);

-- CreateIndex
CREATE INDEX "notification_tenant_id_created_at_idx" ON "notification"("tenant_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "notification_delivery_tenant_id_created_at_idx" ON "notification_delivery"("tenant_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "notification_delivery_status_digest_idx" ON "notification_delivery"("status", "digest");

-- CreateIndex
CREATE UNIQUE INDEX "notification_delivery_notification_id_channel_key" ON "notification_delivery"("notification_id", "channel");

-- CreateIndex
CREATE INDEX "notification_alarm_subscription_user_id_idx" ON "notification_alarm_subscription"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "notification_alarm_subscription_tenant_id_user_id_alarm_typ_key" ON "notification_alarm_subscription"("tenant_id", "user_id", "alarm_type");

-- CreateIndex
CREATE INDEX "webhook_endpoint_tenant_id_idx" ON "webhook_endpoint"("tenant_id");

-- CreateIndex
CREATE INDEX "webhook_delivery_endpoint_id_created_at_idx" ON "webhook_delivery"("endpoint_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "webhook_delivery_tenant_id_idx" ON "webhook_delivery"("tenant_id");

-- CreateIndex
CREATE INDEX "notification_unsubscribe_user_id_idx" ON "notification_unsubscribe"("user_id");

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_delivery" ADD CONSTRAINT "notification_delivery_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notification"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_delivery" ADD CONSTRAINT "notification_delivery_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_settings" ADD CONSTRAINT "notification_settings_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_preference" ADD CONSTRAINT "notification_preference_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_alarm_subscription" ADD CONSTRAINT "notification_alarm_subscription_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_alarm_subscription" ADD CONSTRAINT "notification_alarm_subscription_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_endpoint" ADD CONSTRAINT "webhook_endpoint_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_delivery" ADD CONSTRAINT "webhook_delivery_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_delivery" ADD CONSTRAINT "webhook_delivery_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_unsubscribe" ADD CONSTRAINT "notification_unsubscribe_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- By hand: what Prisma does not express.
ALTER TABLE "notification_settings"
  ADD CONSTRAINT "notification_settings_quiet_check" CHECK (
    ("quiet_start" IS NULL) = ("quiet_end" IS NULL)
    AND ("quiet_start" IS NULL OR ("quiet_start" BETWEEN 0 AND 1439 AND "quiet_end" BETWEEN 0 AND 1439 AND "quiet_start" <> "quiet_end"))),
  ADD CONSTRAINT "notification_settings_language_check" CHECK ("language" IN ('tr', 'en'));
ALTER TABLE "notification_delivery" ADD CONSTRAINT "notification_delivery_attempts_check" CHECK ("attempts" >= 0);
ALTER TABLE "webhook_delivery" ADD CONSTRAINT "webhook_delivery_attempts_check" CHECK ("attempts" >= 0);
ALTER TABLE "webhook_endpoint"
  ADD CONSTRAINT "webhook_endpoint_event_types_check" CHECK ("event_types" IS NOT NULL),
  ADD CONSTRAINT "webhook_endpoint_url_check" CHECK ("url" ~ '^https?://');
-- The in-app centre's unread count.
CREATE INDEX "notification_user_unread_idx" ON "notification" ("user_id") WHERE "read_at" IS NULL;
-- The digest job and the quiet-hours release read the waiting e-mails only.
CREATE INDEX "notification_delivery_waiting_idx" ON "notification_delivery" ("not_before") WHERE "status" = 'QUEUED';

-- Row-level security as in 0019: every table with a tenant follows the caller's scope. The per-user tables
-- (settings, preferences, unsubscribe grants) are reached only through the caller's own user id, like app_user.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['notification', 'notification_delivery', 'notification_alarm_subscription', 'webhook_endpoint',
                           'webhook_delivery'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_scope ON %I TO water_api
         USING ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))
         WITH CHECK ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON "notification", "notification_delivery", "notification_settings", "notification_preference",
  "notification_alarm_subscription", "webhook_endpoint", "webhook_delivery", "notification_unsubscribe" TO water_api;
