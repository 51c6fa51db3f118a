-- The root tenant's alarm list spans every tenant: newest first without a sort over all alarms.
CREATE INDEX "alarm_started_at" ON "alarm" ("started_at" DESC);
