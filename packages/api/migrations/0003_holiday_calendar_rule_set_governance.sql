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
CREATE TABLE "veto_rule_set_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rule_set_id" uuid NOT NULL,
	"action" text NOT NULL,
	"reason" text NOT NULL,
	"affected_assessments" integer DEFAULT 0 NOT NULL,
	"decided_by" text NOT NULL,
	"decided_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
ALTER TABLE "veto_rule_sets" ADD COLUMN "retroactive" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE "veto_rule_sets" ADD COLUMN "retroactive_reason" text;
--> statement-breakpoint
CREATE UNIQUE INDEX "holiday_arrangements_year_version_uq" ON "holiday_arrangements" USING btree ("year","version");
--> statement-breakpoint
CREATE UNIQUE INDEX "veto_rule_set_decisions_set_uq" ON "veto_rule_set_decisions" USING btree ("rule_set_id");
