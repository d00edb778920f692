CREATE TABLE "token_revocations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"jti" text,
	"sub" text,
	"reason" text NOT NULL,
	"revoked_at" timestamp with time zone NOT NULL,
	"revoked_by" text NOT NULL
);

--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "phone_masked" text;
--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "phone_cipher" text;
--> statement-breakpoint
CREATE INDEX "token_revocations_at_idx" ON "token_revocations" USING btree ("revoked_at");
--> statement-breakpoint
CREATE INDEX "token_revocations_jti_idx" ON "token_revocations" USING btree ("jti");
--> statement-breakpoint
CREATE INDEX "token_revocations_sub_idx" ON "token_revocations" USING btree ("sub");
--> statement-breakpoint
CREATE INDEX "persons_legacy_phone_idx" ON "persons" USING btree ("id") WHERE "persons"."phone" is not null;
