CREATE TABLE "population_rate_fact_deltas" (
	"jurisdiction_code" text NOT NULL,
	"period" text NOT NULL,
	"registered" integer DEFAULT 0 NOT NULL,
	"visits" integer DEFAULT 0 NOT NULL,
	"visits_matched" integer DEFAULT 0 NOT NULL,
	"departures" integer DEFAULT 0 NOT NULL,
	"departures_settled" integer DEFAULT 0 NOT NULL,
	"dwellings_listed" integer DEFAULT 0 NOT NULL,
	"dwellings_filed" integer DEFAULT 0 NOT NULL,
	"buildings" integer DEFAULT 0 NOT NULL,
	"buildings_complete" integer DEFAULT 0 NOT NULL
);

--> statement-breakpoint
ALTER TABLE "population_rate_facts" DROP CONSTRAINT "population_rate_facts_jurisdiction_code_jurisdictions_code_fk";

--> statement-breakpoint
DROP INDEX "population_rate_facts_period_idx";
--> statement-breakpoint
DROP INDEX "population_rate_facts_year_idx";
--> statement-breakpoint
ALTER TABLE "population_rate_facts" ADD COLUMN "parent_code" text;
--> statement-breakpoint
CREATE INDEX "population_rate_facts_parent_idx" ON "population_rate_facts" USING btree ("parent_code","period");
