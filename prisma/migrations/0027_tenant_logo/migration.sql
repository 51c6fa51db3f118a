-- A tenant's logo on its documents (issue 18: invoice PDFs "with the tenant's name and logo").
-- CreateTable
CREATE TABLE "tenant_logo" (
    "tenant_id" UUID NOT NULL,
    "content_type" VARCHAR(20) NOT NULL,
    "image" BYTEA NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_logo_pkey" PRIMARY KEY ("tenant_id")
);

-- AddForeignKey
ALTER TABLE "tenant_logo" ADD CONSTRAINT "tenant_logo_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;


ALTER TABLE "tenant_logo"
  ADD CONSTRAINT "tenant_logo_type" CHECK ("content_type" IN ('image/png', 'image/jpeg')),
  ADD CONSTRAINT "tenant_logo_size" CHECK (octet_length("image") BETWEEN 1 AND 262144);

-- Row-level security as migration 0010 (the tenant's own row).
ALTER TABLE "tenant_logo" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON "tenant_logo" TO water_api
  USING ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))
  WITH CHECK ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]));
GRANT SELECT, INSERT, UPDATE, DELETE ON "tenant_logo" TO water_api;
