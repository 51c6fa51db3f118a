-- Issue 21: alarms as work. Who took an alarm (acknowledged, as before), who it is assigned to, who
-- closed it and why, and a timeline of what people did with it (alarm_event). Raising and clearing by
-- the source are the alarm's own started_at/cleared_at, so the writers of alarms (ingest, NO_SIGNAL,
-- LEAK) stay as they are.

ALTER TABLE "alarm"
  ADD COLUMN "assigned_to" UUID,
  ADD COLUMN "assigned_at" TIMESTAMPTZ(3),
  ADD COLUMN "closed_at" TIMESTAMPTZ(3),
  ADD COLUMN "closed_by" UUID,
  ADD COLUMN "close_reason" VARCHAR(500);
ALTER TABLE "alarm" ADD CONSTRAINT "alarm_assigned_to_fkey" FOREIGN KEY ("assigned_to") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "alarm" ADD CONSTRAINT "alarm_closed_by_fkey" FOREIGN KEY ("closed_by") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
-- Closing ends the alarm: a closed alarm is cleared too (at the latest when it was closed), so the map,
-- the counts and "one open alarm per device and type" see it gone, and the source raises a new one if
-- the condition persists. A closure always has its reason.
ALTER TABLE "alarm" ADD CONSTRAINT "alarm_closed_is_cleared" CHECK ("closed_at" IS NULL OR ("cleared_at" IS NOT NULL AND "cleared_at" <= "closed_at"));
ALTER TABLE "alarm" ADD CONSTRAINT "alarm_close_reason" CHECK (("closed_at" IS NULL) = ("close_reason" IS NULL));
ALTER TABLE "alarm" ADD CONSTRAINT "alarm_assignment" CHECK ("assigned_to" IS NULL OR "assigned_at" IS NOT NULL);
ALTER TABLE "alarm" ADD CONSTRAINT "alarm_id_tenant_id_key" UNIQUE ("id", "tenant_id");
-- "Assigned to me" and the per-user work lists.
CREATE INDEX "alarm_assigned_to" ON "alarm" ("assigned_to", "started_at" DESC) WHERE "assigned_to" IS NOT NULL;

CREATE TYPE "alarm_event_kind" AS ENUM ('ACKNOWLEDGED', 'ASSIGNED', 'UNASSIGNED', 'NOTE', 'CLOSED');

CREATE TABLE "alarm_event" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "alarm_id" UUID NOT NULL,
    -- The alarm's tenant, kept equal by the composite key, for the row-level security policy.
    "tenant_id" UUID NOT NULL,
    "kind" "alarm_event_kind" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_id" UUID,
    "assignee_id" UUID,
    -- The acknowledgement's comment, the note, or the reason of the closure.
    "text" VARCHAR(2000),
    CONSTRAINT "alarm_event_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alarm_event_alarm_fkey" FOREIGN KEY ("alarm_id", "tenant_id") REFERENCES "alarm"("id", "tenant_id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "alarm_event_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "alarm_event_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "alarm_event_text" CHECK ("kind" NOT IN ('NOTE', 'CLOSED') OR length(trim("text")) > 0)
);
CREATE INDEX "alarm_event_alarm_id_at_idx" ON "alarm_event" ("alarm_id", "at");

ALTER TABLE "alarm_event" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON "alarm_event" TO water_api
  USING ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))
  WITH CHECK ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]));

-- Acknowledgements made before the timeline existed.
INSERT INTO "alarm_event" ("alarm_id", "tenant_id", "kind", "at", "user_id")
SELECT "id", "tenant_id", 'ACKNOWLEDGED', "acknowledged_at", "acknowledged_by" FROM "alarm" WHERE "acknowledged_at" IS NOT NULL;
