CREATE TABLE "mediation_organisations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"specialty" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "screening_rounds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"period" text NOT NULL,
	"started_on" date NOT NULL,
	"ended_on" date NOT NULL,
	"focus" text NOT NULL,
	"hazards_found" integer DEFAULT 0 NOT NULL,
	"notes" text,
	"conducted_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "disputes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"screening_round_id" uuid,
	"description" text NOT NULL,
	"risk_level" text NOT NULL,
	"mass_incident_risk" boolean NOT NULL,
	"unit_name" text,
	"unit_credit_code" text,
	"registered_on" date NOT NULL,
	"status" text NOT NULL,
	"level" text NOT NULL,
	"organisation_id" uuid,
	"mediator_name" text,
	"mediation_kind" text NOT NULL,
	"deadline" date NOT NULL,
	"escalations" integer DEFAULT 0 NOT NULL,
	"resolved_on" date,
	"agreement" text,
	"closed_on" date,
	"mass_incident_on" date,
	"follow_up_due_on" date,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "dispute_parties" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dispute_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"seq" integer NOT NULL,
	"role" text NOT NULL,
	"person_ref" uuid,
	"name" text,
	"phone" text
);

--> statement-breakpoint
CREATE TABLE "dispute_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"dispute_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"kind" text NOT NULL,
	"on_date" date NOT NULL,
	"level" text NOT NULL,
	"organisation_id" uuid,
	"mediator_name" text,
	"mediation_kind" text,
	"outcome" text NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "veto_proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"dispute_id" uuid,
	"jurisdiction_code" text NOT NULL,
	"unit_name" text,
	"unit_credit_code" text,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"proposed_by" text NOT NULL,
	"proposed_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"version" integer DEFAULT 1 NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX "mediation_organisations_name_uq" ON "mediation_organisations" USING btree ("jurisdiction_code","name");
--> statement-breakpoint
CREATE INDEX "mediation_organisations_jur_idx" ON "mediation_organisations" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "screening_rounds_jur_idx" ON "screening_rounds" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "screening_rounds_period_idx" ON "screening_rounds" USING btree ("period");
--> statement-breakpoint
CREATE INDEX "disputes_jur_idx" ON "disputes" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "disputes_registered_idx" ON "disputes" USING btree ("registered_on");
--> statement-breakpoint
CREATE INDEX "disputes_open_deadline_idx" ON "disputes" USING btree ("deadline") WHERE status in ('registered', 'mediating', 'escalated');
--> statement-breakpoint
CREATE INDEX "disputes_follow_up_idx" ON "disputes" USING btree ("follow_up_due_on") WHERE follow_up_due_on is not null;
--> statement-breakpoint
CREATE INDEX "disputes_round_idx" ON "disputes" USING btree ("screening_round_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "dispute_parties_seq_uq" ON "dispute_parties" USING btree ("dispute_id","seq");
--> statement-breakpoint
CREATE INDEX "dispute_parties_person_idx" ON "dispute_parties" USING btree ("person_ref");
--> statement-breakpoint
CREATE INDEX "dispute_steps_dispute_idx" ON "dispute_steps" USING btree ("dispute_id","seq");
--> statement-breakpoint
CREATE INDEX "veto_proposals_jur_idx" ON "veto_proposals" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "veto_proposals_pending_idx" ON "veto_proposals" USING btree ("proposed_at") WHERE status = 'pending';
