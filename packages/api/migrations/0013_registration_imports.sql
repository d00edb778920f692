CREATE TABLE "registration_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"started_by" text NOT NULL,
	"state" text NOT NULL,
	"rows_total" integer NOT NULL,
	"rows_done" integer DEFAULT 0 NOT NULL,
	"imported" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"persons_created" integer DEFAULT 0 NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"failure" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "registration_imports_state_check" CHECK ("registration_imports"."state" in ('running', 'finished', 'failed'))
);

--> statement-breakpoint
ALTER TABLE "registration_imports" ADD CONSTRAINT "registration_imports_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "registration_imports_jur_idx" ON "registration_imports" USING btree ("jurisdiction_code" text_pattern_ops);
