CREATE TABLE "person_departures" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"registration_id" uuid,
	"person_name" text NOT NULL,
	"id_number_masked" text NOT NULL,
	"moved_on" date NOT NULL,
	"to_district_code" text NOT NULL,
	"arrival_registration_id" uuid NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE INDEX "person_departures_jur_idx" ON "person_departures" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "person_departures_jur_id_idx" ON "person_departures" USING btree ("jurisdiction_code","moved_on","id");
--> statement-breakpoint
CREATE INDEX "person_departures_person_idx" ON "person_departures" USING btree ("person_id");
--> statement-breakpoint
CREATE INDEX "person_departures_registration_idx" ON "person_departures" USING btree ("registration_id");
--> statement-breakpoint
CREATE INDEX "residence_registrations_moved_out_idx" ON "residence_registrations" USING btree ("ended_on") WHERE "residence_registrations"."end_kind" = 'moved_out';
