CREATE TABLE "jurisdictions" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"parent_code" text,
	"depth" integer NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" text NOT NULL,
	"actor_roles" text[] NOT NULL,
	"operation" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"jurisdiction_code" text,
	"before" jsonb,
	"after" jsonb,
	"purpose" text,
	"request_id" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_log_id_unique" UNIQUE("id")
);

--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"actor_id" text NOT NULL,
	"key" text NOT NULL,
	"operation" text NOT NULL,
	"request_hash" text NOT NULL,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_actor_id_key_pk" PRIMARY KEY("actor_id","key")
);

--> statement-breakpoint
CREATE TABLE "persons" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"id_number_hash" text NOT NULL,
	"id_number_masked" text NOT NULL,
	"id_number_cipher" text NOT NULL,
	"birth_date" date NOT NULL,
	"gender" text NOT NULL,
	"kind" text NOT NULL,
	"inflow_reason" text,
	"inflow_date" date,
	"hukou_place_code" text NOT NULL,
	"phone" text,
	"tier" text NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"last_visited_on" date,
	"revisit_due_on" date,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "person_tier_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"tier" text NOT NULL,
	"set_by" text NOT NULL,
	"set_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"jurisdiction_code" text NOT NULL
);

--> statement-breakpoint
CREATE TABLE "dwellings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"address" text NOT NULL,
	"landlord_id" uuid,
	"jurisdiction_code" text NOT NULL,
	"rooms" integer NOT NULL,
	"capacity" integer NOT NULL,
	"filing_number" text,
	"filing_status" text NOT NULL,
	"filed_on" date,
	"dwelling_class" text NOT NULL,
	"urban_village_building" boolean DEFAULT false NOT NULL,
	"listed_on" date NOT NULL,
	"last_visited_on" date,
	"revisit_due_on" date NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "dwelling_class_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dwelling_id" uuid NOT NULL,
	"dwelling_class" text NOT NULL,
	"set_by" text NOT NULL,
	"set_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"jurisdiction_code" text NOT NULL
);

--> statement-breakpoint
CREATE TABLE "residence_registrations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"dwelling_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"registered_on" date NOT NULL,
	"over_capacity" boolean DEFAULT false NOT NULL,
	"previous_registration_id" uuid,
	"ended_on" date,
	"end_kind" text,
	"end_reason" text,
	"source" text DEFAULT 'api' NOT NULL,
	"import_key" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "revisits" (
	"id" uuid PRIMARY KEY NOT NULL,
	"dwelling_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"visitor_id" text NOT NULL,
	"visited_at" timestamp with time zone NOT NULL,
	"visited_on" date NOT NULL,
	"matched" boolean NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "revisit_tenants" (
	"revisit_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"registration_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"visited_on" date NOT NULL,
	CONSTRAINT "revisit_tenants_revisit_id_person_id_pk" PRIMARY KEY("revisit_id","person_id")
);

--> statement-breakpoint
CREATE TABLE "floating_population_estimates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"period" text NOT NULL,
	"estimate" integer NOT NULL,
	"source" text,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"superseded_at" timestamp with time zone
);

--> statement-breakpoint
CREATE TABLE "five_ones_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dwelling_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"manager" boolean NOT NULL,
	"electronic_lock" boolean NOT NULL,
	"register_book" boolean NOT NULL,
	"police_reminder_sign" boolean NOT NULL,
	"responsibility_letter" boolean NOT NULL,
	"checked_by" text NOT NULL,
	"checked_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "overdue_notices" (
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"due_on" date NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"notified_at" timestamp with time zone NOT NULL,
	CONSTRAINT "overdue_notices_subject_type_subject_id_due_on_pk" PRIMARY KEY("subject_type","subject_id","due_on")
);

--> statement-breakpoint
CREATE TABLE "patrol_checkpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"latitude" double precision NOT NULL,
	"longitude" double precision NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "patrol_blocks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"community_codes" text[] NOT NULL,
	"vehicles" integer DEFAULT 0 NOT NULL,
	"weekly_patrol_hours" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "patrol_teams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"checkpoint_id" uuid,
	"block_id" uuid,
	"vehicles" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "patrol_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"name" text NOT NULL,
	"badge_number" text,
	"jurisdiction_code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "patrol_duty_logs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"member_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"checkpoint_id" uuid,
	"task" text NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "patrol_duty_logs_interval" CHECK ("patrol_duty_logs"."end_at" > "patrol_duty_logs"."start_at")
);

--> statement-breakpoint
CREATE TABLE "patrol_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"gb_code" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"place" text NOT NULL,
	"latitude" double precision,
	"longitude" double precision,
	"jurisdiction_code" text NOT NULL,
	"major" boolean DEFAULT false NOT NULL,
	"major_kind" text,
	"unit_credit_code" text,
	"unit_name" text,
	"description" text DEFAULT '' NOT NULL,
	"dispatched_at" timestamp with time zone,
	"arrived_at" timestamp with time zone,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "patrol_activation_rules" (
	"jurisdiction_code" text PRIMARY KEY NOT NULL,
	"threshold" integer NOT NULL,
	"types" text[] NOT NULL,
	"point_ids" uuid[] NOT NULL,
	"deadline_minutes" integer NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "patrol_activations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"day" date NOT NULL,
	"threshold" integer NOT NULL,
	"types" text[] NOT NULL,
	"triggering_alert_ids" uuid[] NOT NULL,
	"point_ids" uuid[] NOT NULL,
	"activated_at" timestamp with time zone NOT NULL,
	"deadline" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "patrol_check_ins" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"activation_id" uuid NOT NULL,
	"checkpoint_id" uuid NOT NULL,
	"arrived_at" timestamp with time zone NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "patrol_discipline_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"member_id" uuid NOT NULL,
	"day" date NOT NULL,
	"description" text NOT NULL,
	"deduction" integer NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "patrol_community_feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"member_id" uuid NOT NULL,
	"day" date NOT NULL,
	"rating" integer NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "creation_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_name" text NOT NULL,
	"seq" integer NOT NULL,
	"name" text NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"lead_unit" text NOT NULL,
	"participating_units" text[] NOT NULL,
	"target_date" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "safe_units" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"credit_code" text,
	"batch_id" uuid NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "assessment_standards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"category" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"items" jsonb NOT NULL,
	"pass_mark" double precision NOT NULL,
	"effective_from" date NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "veto_rule_sets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version" integer NOT NULL,
	"effective_from" date NOT NULL,
	"rules" jsonb NOT NULL,
	"yellow_card_policy" jsonb NOT NULL,
	"grade_policy" jsonb NOT NULL,
	"note" text,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "unit_assessments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"chain_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"unit_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"category" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"standard_id" uuid NOT NULL,
	"standard_version" integer NOT NULL,
	"rule_set_id" uuid NOT NULL,
	"rule_set_version" integer NOT NULL,
	"items" jsonb NOT NULL,
	"total" double precision NOT NULL,
	"pass_mark" double precision NOT NULL,
	"score_passed" boolean NOT NULL,
	"vetoed" boolean NOT NULL,
	"passed" boolean NOT NULL,
	"grade" text,
	"fired_rules" jsonb NOT NULL,
	"triggering_event_ids" text[] NOT NULL,
	"explanation" text NOT NULL,
	"correction_reason" text,
	"supersedes_id" uuid,
	"assessed_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "major_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"occurred_on" date NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"unit_id" uuid,
	"source" text NOT NULL,
	"source_ref" text,
	"place" text,
	"description" text NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "yellow_cards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"reason" text NOT NULL,
	"issued_on" date NOT NULL,
	"rectification_deadline" date NOT NULL,
	"rule_set_version" integer NOT NULL,
	"repeat_of_id" uuid,
	"escalation" text,
	"explanation" text NOT NULL,
	"issued_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "plaques" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"assessment_id" uuid NOT NULL,
	"awarded_on" date NOT NULL,
	"awarded_at" timestamp with time zone NOT NULL,
	"revoked_on" date,
	"revoked_at" timestamp with time zone,
	"revoked_by_event_id" uuid,
	"revoke_reason" text
);

--> statement-breakpoint
CREATE TABLE "rectification_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"items" text[] NOT NULL,
	"issued_on" date NOT NULL,
	"deadline" date NOT NULL,
	"yellow_card_id" uuid,
	"completed_on" date,
	"completed_by" text,
	"version" integer DEFAULT 1 NOT NULL,
	"issued_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "unit_batch_moves" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"from_batch_id" uuid NOT NULL,
	"to_batch_id" uuid NOT NULL,
	"moved_on" date NOT NULL,
	"reason" text NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "responsibility_investigations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_id" uuid,
	"jurisdiction_code" text NOT NULL,
	"subject" text NOT NULL,
	"event_id" uuid,
	"opened_on" date NOT NULL,
	"outcome" text,
	"outcome_note" text,
	"concluded_on" date,
	"version" integer DEFAULT 1 NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "evaluation_weight_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version" integer NOT NULL,
	"effective_from" date NOT NULL,
	"safe_creation" double precision NOT NULL,
	"governance" double precision NOT NULL,
	"stability" double precision NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "jurisdiction_evaluations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"safe_creation" double precision NOT NULL,
	"governance" double precision NOT NULL,
	"stability" double precision NOT NULL,
	"weights_version" integer,
	"weights" jsonb NOT NULL,
	"total" double precision NOT NULL,
	"evaluated_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "unit_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"unit_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"kind" text NOT NULL,
	"valid_on" date NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"actor_id" text NOT NULL,
	"ref_id" uuid,
	"summary" text NOT NULL,
	"data" jsonb NOT NULL
);

--> statement-breakpoint
CREATE TABLE "credit_subjects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"credit_code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"on_file_since" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_subjects_credit_code_unique" UNIQUE("credit_code")
);

--> statement-breakpoint
CREATE TABLE "credit_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"polarity" text NOT NULL,
	"kind" text NOT NULL,
	"source_department" text NOT NULL,
	"date" date NOT NULL,
	"severity" text,
	"summary" text NOT NULL,
	"evidence_ref" text,
	"valid_from" date NOT NULL,
	"valid_until" date,
	"source_ref" text,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_records_source_ref_unique" UNIQUE("source_ref")
);

--> statement-breakpoint
CREATE TABLE "credit_list_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"list_type" text NOT NULL,
	"reason_category" text NOT NULL,
	"reason" text NOT NULL,
	"internal_note" text,
	"authority" text NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"proposal_rule" text NOT NULL,
	"rule_version" text NOT NULL,
	"basis_record_id" uuid,
	"proposed_by" text NOT NULL,
	"proposed_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "credit_repair_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"entry_id" uuid NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"statement" text NOT NULL,
	"conditions" jsonb NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
CREATE TABLE "credit_list_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"entry_id" uuid NOT NULL,
	"repair_request_id" uuid,
	"action" text NOT NULL,
	"reason" text NOT NULL,
	"effective_date" date NOT NULL,
	"decided_by" text NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);

--> statement-breakpoint
ALTER TABLE "patrol_teams" ADD CONSTRAINT "patrol_teams_checkpoint_id_patrol_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "public"."patrol_checkpoints"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_teams" ADD CONSTRAINT "patrol_teams_block_id_patrol_blocks_id_fk" FOREIGN KEY ("block_id") REFERENCES "public"."patrol_blocks"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_members" ADD CONSTRAINT "patrol_members_team_id_patrol_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."patrol_teams"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_duty_logs" ADD CONSTRAINT "patrol_duty_logs_member_id_patrol_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."patrol_members"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_duty_logs" ADD CONSTRAINT "patrol_duty_logs_team_id_patrol_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."patrol_teams"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_duty_logs" ADD CONSTRAINT "patrol_duty_logs_checkpoint_id_patrol_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "public"."patrol_checkpoints"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_check_ins" ADD CONSTRAINT "patrol_check_ins_activation_id_patrol_activations_id_fk" FOREIGN KEY ("activation_id") REFERENCES "public"."patrol_activations"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_check_ins" ADD CONSTRAINT "patrol_check_ins_checkpoint_id_patrol_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "public"."patrol_checkpoints"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_discipline_records" ADD CONSTRAINT "patrol_discipline_records_member_id_patrol_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."patrol_members"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_community_feedback" ADD CONSTRAINT "patrol_community_feedback_member_id_patrol_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."patrol_members"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_records" ADD CONSTRAINT "credit_records_subject_id_credit_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."credit_subjects"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_list_entries" ADD CONSTRAINT "credit_list_entries_subject_id_credit_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."credit_subjects"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_list_entries" ADD CONSTRAINT "credit_list_entries_basis_record_id_credit_records_id_fk" FOREIGN KEY ("basis_record_id") REFERENCES "public"."credit_records"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_repair_requests" ADD CONSTRAINT "credit_repair_requests_entry_id_credit_list_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."credit_list_entries"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_list_decisions" ADD CONSTRAINT "credit_list_decisions_entry_id_credit_list_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."credit_list_entries"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_list_decisions" ADD CONSTRAINT "credit_list_decisions_repair_request_id_credit_repair_requests_id_fk" FOREIGN KEY ("repair_request_id") REFERENCES "public"."credit_repair_requests"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "jurisdictions_code_prefix_idx" ON "jurisdictions" USING btree ("code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "jurisdictions_parent_idx" ON "jurisdictions" USING btree ("parent_code","code");
--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity_type","entity_id","seq");
--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_id","seq");
--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");
--> statement-breakpoint
CREATE INDEX "audit_log_jurisdiction_idx" ON "audit_log" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE UNIQUE INDEX "persons_id_number_hash_key" ON "persons" USING btree ("id_number_hash");
--> statement-breakpoint
CREATE INDEX "persons_jur_idx" ON "persons" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "persons_jur_id_idx" ON "persons" USING btree ("jurisdiction_code","id");
--> statement-breakpoint
CREATE INDEX "persons_due_idx" ON "persons" USING btree ("revisit_due_on","id");
--> statement-breakpoint
CREATE INDEX "persons_name_idx" ON "persons" USING btree ("name");
--> statement-breakpoint
CREATE INDEX "person_tier_history_person_idx" ON "person_tier_history" USING btree ("person_id","set_at");
--> statement-breakpoint
CREATE UNIQUE INDEX "dwellings_address_key" ON "dwellings" USING btree ("address");
--> statement-breakpoint
CREATE INDEX "dwellings_jur_idx" ON "dwellings" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "dwellings_jur_id_idx" ON "dwellings" USING btree ("jurisdiction_code","id");
--> statement-breakpoint
CREATE INDEX "dwellings_due_idx" ON "dwellings" USING btree ("revisit_due_on","id");
--> statement-breakpoint
CREATE INDEX "dwelling_class_history_dwelling_idx" ON "dwelling_class_history" USING btree ("dwelling_id","set_at");
--> statement-breakpoint
CREATE UNIQUE INDEX "residence_registrations_one_active" ON "residence_registrations" USING btree ("person_id") WHERE "residence_registrations"."ended_on" is null;
--> statement-breakpoint
CREATE UNIQUE INDEX "residence_registrations_import_key" ON "residence_registrations" USING btree ("import_key");
--> statement-breakpoint
CREATE INDEX "residence_registrations_person_idx" ON "residence_registrations" USING btree ("person_id","registered_on");
--> statement-breakpoint
CREATE INDEX "residence_registrations_dwelling_idx" ON "residence_registrations" USING btree ("dwelling_id","registered_on");
--> statement-breakpoint
CREATE INDEX "residence_registrations_jur_idx" ON "residence_registrations" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "revisits_dwelling_idx" ON "revisits" USING btree ("dwelling_id","visited_at");
--> statement-breakpoint
CREATE INDEX "revisits_jur_idx" ON "revisits" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "revisits_on_idx" ON "revisits" USING btree ("visited_on");
--> statement-breakpoint
CREATE INDEX "revisit_tenants_registration_idx" ON "revisit_tenants" USING btree ("registration_id");
--> statement-breakpoint
CREATE INDEX "revisit_tenants_jur_idx" ON "revisit_tenants" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE UNIQUE INDEX "floating_population_estimates_current" ON "floating_population_estimates" USING btree ("jurisdiction_code","period") WHERE "floating_population_estimates"."superseded_at" is null;
--> statement-breakpoint
CREATE INDEX "floating_population_estimates_jur_idx" ON "floating_population_estimates" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "five_ones_checks_dwelling_idx" ON "five_ones_checks" USING btree ("dwelling_id","checked_at");
--> statement-breakpoint
CREATE INDEX "five_ones_checks_jur_idx" ON "five_ones_checks" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "patrol_checkpoints_jur_idx" ON "patrol_checkpoints" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "patrol_checkpoints_kind_idx" ON "patrol_checkpoints" USING btree ("kind","jurisdiction_code");
--> statement-breakpoint
CREATE INDEX "patrol_blocks_jur_idx" ON "patrol_blocks" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "patrol_teams_jur_idx" ON "patrol_teams" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "patrol_teams_checkpoint_idx" ON "patrol_teams" USING btree ("checkpoint_id");
--> statement-breakpoint
CREATE INDEX "patrol_teams_block_idx" ON "patrol_teams" USING btree ("block_id");
--> statement-breakpoint
CREATE INDEX "patrol_members_team_idx" ON "patrol_members" USING btree ("team_id");
--> statement-breakpoint
CREATE INDEX "patrol_members_jur_idx" ON "patrol_members" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "patrol_duty_logs_member_idx" ON "patrol_duty_logs" USING btree ("member_id","start_at");
--> statement-breakpoint
CREATE INDEX "patrol_duty_logs_checkpoint_idx" ON "patrol_duty_logs" USING btree ("checkpoint_id","start_at");
--> statement-breakpoint
CREATE INDEX "patrol_duty_logs_order_idx" ON "patrol_duty_logs" USING btree ("start_at","id");
--> statement-breakpoint
CREATE INDEX "patrol_duty_logs_jur_idx" ON "patrol_duty_logs" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "patrol_alerts_jur_idx" ON "patrol_alerts" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "patrol_alerts_day_idx" ON "patrol_alerts" USING btree ("day","type");
--> statement-breakpoint
CREATE INDEX "patrol_alerts_order_idx" ON "patrol_alerts" USING btree ("occurred_at","id");
--> statement-breakpoint
CREATE UNIQUE INDEX "patrol_activations_jur_day_uq" ON "patrol_activations" USING btree ("jurisdiction_code","day");
--> statement-breakpoint
CREATE INDEX "patrol_activations_jur_idx" ON "patrol_activations" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "patrol_activations_order_idx" ON "patrol_activations" USING btree ("activated_at","id");
--> statement-breakpoint
CREATE UNIQUE INDEX "patrol_check_ins_point_uq" ON "patrol_check_ins" USING btree ("activation_id","checkpoint_id");
--> statement-breakpoint
CREATE INDEX "patrol_discipline_member_idx" ON "patrol_discipline_records" USING btree ("member_id","day");
--> statement-breakpoint
CREATE INDEX "patrol_feedback_member_idx" ON "patrol_community_feedback" USING btree ("member_id","day");
--> statement-breakpoint
CREATE UNIQUE INDEX "creation_batches_project_seq_uq" ON "creation_batches" USING btree ("project_name","seq");
--> statement-breakpoint
CREATE INDEX "creation_batches_jur_idx" ON "creation_batches" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "safe_units_jur_idx" ON "safe_units" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE UNIQUE INDEX "safe_units_credit_code_uq" ON "safe_units" USING btree ("credit_code");
--> statement-breakpoint
CREATE INDEX "safe_units_name_idx" ON "safe_units" USING btree ("name");
--> statement-breakpoint
CREATE INDEX "safe_units_category_idx" ON "safe_units" USING btree ("category","jurisdiction_code");
--> statement-breakpoint
CREATE UNIQUE INDEX "assessment_standards_category_version_uq" ON "assessment_standards" USING btree ("category","version");
--> statement-breakpoint
CREATE INDEX "assessment_standards_effective_idx" ON "assessment_standards" USING btree ("category","effective_from");
--> statement-breakpoint
CREATE UNIQUE INDEX "veto_rule_sets_version_uq" ON "veto_rule_sets" USING btree ("version");
--> statement-breakpoint
CREATE INDEX "veto_rule_sets_effective_idx" ON "veto_rule_sets" USING btree ("effective_from");
--> statement-breakpoint
CREATE UNIQUE INDEX "unit_assessments_chain_version_uq" ON "unit_assessments" USING btree ("chain_id","version");
--> statement-breakpoint
CREATE UNIQUE INDEX "unit_assessments_unit_period_uq" ON "unit_assessments" USING btree ("unit_id","period_start","period_end") WHERE version = 1;
--> statement-breakpoint
CREATE INDEX "unit_assessments_unit_idx" ON "unit_assessments" USING btree ("unit_id","period_end");
--> statement-breakpoint
CREATE INDEX "unit_assessments_jur_idx" ON "unit_assessments" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE UNIQUE INDEX "major_events_source_uq" ON "major_events" USING btree ("source","source_ref");
--> statement-breakpoint
CREATE INDEX "major_events_unit_idx" ON "major_events" USING btree ("unit_id","occurred_on");
--> statement-breakpoint
CREATE INDEX "major_events_jur_idx" ON "major_events" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "major_events_on_idx" ON "major_events" USING btree ("occurred_on");
--> statement-breakpoint
CREATE INDEX "yellow_cards_unit_idx" ON "yellow_cards" USING btree ("unit_id","issued_on");
--> statement-breakpoint
CREATE INDEX "yellow_cards_jur_idx" ON "yellow_cards" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "plaques_unit_idx" ON "plaques" USING btree ("unit_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "plaques_one_active_uq" ON "plaques" USING btree ("unit_id") WHERE revoked_at is null;
--> statement-breakpoint
CREATE INDEX "rectification_orders_unit_idx" ON "rectification_orders" USING btree ("unit_id");
--> statement-breakpoint
CREATE INDEX "rectification_orders_open_idx" ON "rectification_orders" USING btree ("deadline") WHERE completed_on is null;
--> statement-breakpoint
CREATE INDEX "rectification_orders_jur_idx" ON "rectification_orders" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE UNIQUE INDEX "unit_batch_moves_order_uq" ON "unit_batch_moves" USING btree ("order_id");
--> statement-breakpoint
CREATE INDEX "unit_batch_moves_unit_idx" ON "unit_batch_moves" USING btree ("unit_id");
--> statement-breakpoint
CREATE INDEX "investigations_unit_idx" ON "responsibility_investigations" USING btree ("unit_id");
--> statement-breakpoint
CREATE INDEX "investigations_jur_idx" ON "responsibility_investigations" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_weight_versions_version_uq" ON "evaluation_weight_versions" USING btree ("version");
--> statement-breakpoint
CREATE INDEX "jurisdiction_evaluations_jur_idx" ON "jurisdiction_evaluations" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "unit_history_unit_idx" ON "unit_history" USING btree ("unit_id","valid_on","recorded_at");
--> statement-breakpoint
CREATE INDEX "credit_subjects_jur_idx" ON "credit_subjects" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "credit_records_subject_idx" ON "credit_records" USING btree ("subject_id","date");
--> statement-breakpoint
CREATE INDEX "credit_records_jur_idx" ON "credit_records" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "credit_list_entries_subject_idx" ON "credit_list_entries" USING btree ("subject_id","list_type");
--> statement-breakpoint
CREATE INDEX "credit_list_entries_order_idx" ON "credit_list_entries" USING btree ("list_type","start_date","id");
--> statement-breakpoint
CREATE INDEX "credit_list_entries_jur_idx" ON "credit_list_entries" USING btree ("jurisdiction_code" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "credit_repair_requests_entry_idx" ON "credit_repair_requests" USING btree ("entry_id");
--> statement-breakpoint
CREATE INDEX "credit_list_decisions_entry_idx" ON "credit_list_decisions" USING btree ("entry_id","decided_at");
--> statement-breakpoint
CREATE UNIQUE INDEX "credit_list_decisions_verdict_uq" ON "credit_list_decisions" USING btree ("entry_id") WHERE action in ('approve', 'reject');
--> statement-breakpoint
CREATE UNIQUE INDEX "credit_list_decisions_lift_uq" ON "credit_list_decisions" USING btree ("entry_id") WHERE action = 'lift';
--> statement-breakpoint
CREATE UNIQUE INDEX "credit_list_decisions_repair_uq" ON "credit_list_decisions" USING btree ("repair_request_id") WHERE repair_request_id is not null;
