-- Billing runs and invoices (issue 18, slice 2). Written by hand: no table changes, one index.
-- A billing run sums a subscription's daily rollups over a period, the no-reading estimate over the 90
-- days before it, and the negative-correction check over every earlier invoiced period: all by
-- (subscription, day). The (tenant_id, day) index would scan the whole tenant's days for each of them.
CREATE INDEX "meter_daily_consumption_subscription_id_day_idx" ON "meter_daily_consumption" ("subscription_id", "day")
  WHERE "subscription_id" IS NOT NULL;
