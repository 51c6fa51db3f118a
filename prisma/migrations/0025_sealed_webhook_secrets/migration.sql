-- Outgoing webhook HMAC keys are stored sealed (AES-256-GCM under SECRETS_KEY, apps/api/src/core/secrets),
-- like the payment provider's signing secret; the sealed form is longer than the key. An endpoint created
-- before this migration holds its key in clear text, which the delivery cannot open: its deliveries fail
-- with "signing secret unreadable: rotate it" until an operator rotates the secret (issue 19, decisions.md).
ALTER TABLE "webhook_endpoint" ALTER COLUMN "secret" TYPE VARCHAR(300);
