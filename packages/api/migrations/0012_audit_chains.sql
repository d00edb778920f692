CREATE TABLE "outbox_relay_lease" (
	"id" integer PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"lease_until" timestamp with time zone NOT NULL
);

--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "chain" text;
--> statement-breakpoint
CREATE INDEX "audit_log_chain_idx" ON "audit_log" USING btree ("chain","seq");
