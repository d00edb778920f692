CREATE TABLE "holiday_arrangements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"year" integer NOT NULL,
	"version" integer NOT NULL,
	"holidays" jsonb NOT NULL,
	"make_up_workdays" jsonb NOT NULL,
	"source" text NOT NULL,
	"notice_ref" text,
	"reason" text,
	"loaded_by" text NOT NULL,
	"loaded_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX "holiday_arrangements_year_version_uq" ON "holiday_arrangements" USING btree ("year","version");
