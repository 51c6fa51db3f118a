-- Operators' password reset by e-mail (issue 21): one row per reset link, the token's SHA-256 only (the token
-- sealed until its e-mail is sent, then erased), single use, short-lived, with the e-mail's delivery log.
-- By hand below: checks and the grant. No row-level security: a per-user table no tenant scope reaches (as 0021's
-- notification settings), read only by the auth module's public reset routes and its e-mail job.

-- CreateTable
CREATE TABLE "operator_password_reset" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "token_sealed" VARCHAR(300),
    "language" VARCHAR(5) NOT NULL DEFAULT 'tr',
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "ip_address" VARCHAR(64),
    "email_status" "notification_delivery_status" NOT NULL DEFAULT 'QUEUED',
    "email_reason" VARCHAR(500),
    "email_attempts" INTEGER NOT NULL DEFAULT 0,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operator_password_reset_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "operator_password_reset_token_hash_key" ON "operator_password_reset"("token_hash");

-- CreateIndex
CREATE INDEX "operator_password_reset_user_id_created_at_idx" ON "operator_password_reset"("user_id", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "operator_password_reset" ADD CONSTRAINT "operator_password_reset_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- By hand: checks.
ALTER TABLE "operator_password_reset"
  ADD CONSTRAINT "operator_password_reset_token_hash_check" CHECK ("token_hash" ~ '^[0-9a-f]{64}$'),
  ADD CONSTRAINT "operator_password_reset_language_check" CHECK ("language" IN ('tr', 'en')),
  ADD CONSTRAINT "operator_password_reset_expiry_check" CHECK ("expires_at" > "created_at"),
  ADD CONSTRAINT "operator_password_reset_attempts_check" CHECK ("email_attempts" >= 0),
  ADD CONSTRAINT "operator_password_reset_email_status_check" CHECK ("email_status" IN ('QUEUED', 'SENT', 'FAILED')),
  -- The token is kept only while its e-mail is still to be sent.
  ADD CONSTRAINT "operator_password_reset_sealed_check" CHECK ("token_sealed" IS NULL OR "email_status" = 'QUEUED');

GRANT SELECT, INSERT, UPDATE, DELETE ON "operator_password_reset" TO water_api;
