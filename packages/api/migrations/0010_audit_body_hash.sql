ALTER TABLE "audit_log" ADD COLUMN "body_hash" text;
