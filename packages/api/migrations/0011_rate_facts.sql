CREATE TABLE "population_rate_facts" (
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
	"buildings_complete" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "population_rate_facts_jurisdiction_code_period_pk" PRIMARY KEY("jurisdiction_code","period")
);

--> statement-breakpoint
ALTER TABLE "population_rate_facts" ADD CONSTRAINT "population_rate_facts_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "population_rate_facts_period_idx" ON "population_rate_facts" USING btree ("period","jurisdiction_code");
--> statement-breakpoint
CREATE INDEX "population_rate_facts_year_idx" ON "population_rate_facts" USING btree ("period","jurisdiction_code") WHERE length("population_rate_facts"."period") = 4;
