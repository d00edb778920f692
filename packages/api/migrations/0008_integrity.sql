ALTER TABLE "jurisdictions" ADD CONSTRAINT "jurisdictions_parent_code_jurisdictions_code_fk" FOREIGN KEY ("parent_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "event_outbox" ADD CONSTRAINT "event_outbox_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "person_tier_history" ADD CONSTRAINT "person_tier_history_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "person_tier_history" ADD CONSTRAINT "person_tier_history_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "dwellings" ADD CONSTRAINT "dwellings_landlord_id_persons_id_fk" FOREIGN KEY ("landlord_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "dwellings" ADD CONSTRAINT "dwellings_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "dwelling_class_history" ADD CONSTRAINT "dwelling_class_history_dwelling_id_dwellings_id_fk" FOREIGN KEY ("dwelling_id") REFERENCES "public"."dwellings"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "dwelling_class_history" ADD CONSTRAINT "dwelling_class_history_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "residence_registrations" ADD CONSTRAINT "residence_registrations_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "residence_registrations" ADD CONSTRAINT "residence_registrations_dwelling_id_dwellings_id_fk" FOREIGN KEY ("dwelling_id") REFERENCES "public"."dwellings"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "residence_registrations" ADD CONSTRAINT "residence_registrations_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "residence_registrations" ADD CONSTRAINT "residence_registrations_previous_registration_id_residence_registrations_id_fk" FOREIGN KEY ("previous_registration_id") REFERENCES "public"."residence_registrations"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "person_departures" ADD CONSTRAINT "person_departures_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "person_departures" ADD CONSTRAINT "person_departures_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "person_departures" ADD CONSTRAINT "person_departures_registration_id_residence_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."residence_registrations"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "person_departures" ADD CONSTRAINT "person_departures_to_district_code_jurisdictions_code_fk" FOREIGN KEY ("to_district_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "person_departures" ADD CONSTRAINT "person_departures_arrival_registration_id_residence_registrations_id_fk" FOREIGN KEY ("arrival_registration_id") REFERENCES "public"."residence_registrations"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "revisits" ADD CONSTRAINT "revisits_dwelling_id_dwellings_id_fk" FOREIGN KEY ("dwelling_id") REFERENCES "public"."dwellings"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "revisits" ADD CONSTRAINT "revisits_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "revisit_tenants" ADD CONSTRAINT "revisit_tenants_revisit_id_revisits_id_fk" FOREIGN KEY ("revisit_id") REFERENCES "public"."revisits"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "revisit_tenants" ADD CONSTRAINT "revisit_tenants_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "revisit_tenants" ADD CONSTRAINT "revisit_tenants_registration_id_residence_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."residence_registrations"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "revisit_tenants" ADD CONSTRAINT "revisit_tenants_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "floating_population_estimates" ADD CONSTRAINT "floating_population_estimates_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "five_ones_checks" ADD CONSTRAINT "five_ones_checks_dwelling_id_dwellings_id_fk" FOREIGN KEY ("dwelling_id") REFERENCES "public"."dwellings"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "five_ones_checks" ADD CONSTRAINT "five_ones_checks_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "overdue_notices" ADD CONSTRAINT "overdue_notices_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_checkpoints" ADD CONSTRAINT "patrol_checkpoints_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_blocks" ADD CONSTRAINT "patrol_blocks_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_teams" ADD CONSTRAINT "patrol_teams_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_members" ADD CONSTRAINT "patrol_members_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_duty_logs" ADD CONSTRAINT "patrol_duty_logs_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_alerts" ADD CONSTRAINT "patrol_alerts_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_activation_rules" ADD CONSTRAINT "patrol_activation_rules_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_activations" ADD CONSTRAINT "patrol_activations_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_check_ins" ADD CONSTRAINT "patrol_check_ins_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_discipline_records" ADD CONSTRAINT "patrol_discipline_records_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "patrol_community_feedback" ADD CONSTRAINT "patrol_community_feedback_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "creation_batches" ADD CONSTRAINT "creation_batches_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "safe_units" ADD CONSTRAINT "safe_units_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "safe_units" ADD CONSTRAINT "safe_units_batch_id_creation_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."creation_batches"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "veto_rule_set_decisions" ADD CONSTRAINT "veto_rule_set_decisions_rule_set_id_veto_rule_sets_id_fk" FOREIGN KEY ("rule_set_id") REFERENCES "public"."veto_rule_sets"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "unit_assessments" ADD CONSTRAINT "unit_assessments_unit_id_safe_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."safe_units"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "unit_assessments" ADD CONSTRAINT "unit_assessments_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "unit_assessments" ADD CONSTRAINT "unit_assessments_standard_id_assessment_standards_id_fk" FOREIGN KEY ("standard_id") REFERENCES "public"."assessment_standards"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "unit_assessments" ADD CONSTRAINT "unit_assessments_rule_set_id_veto_rule_sets_id_fk" FOREIGN KEY ("rule_set_id") REFERENCES "public"."veto_rule_sets"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "unit_assessments" ADD CONSTRAINT "unit_assessments_supersedes_id_unit_assessments_id_fk" FOREIGN KEY ("supersedes_id") REFERENCES "public"."unit_assessments"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "major_events" ADD CONSTRAINT "major_events_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "major_events" ADD CONSTRAINT "major_events_unit_id_safe_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."safe_units"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "yellow_cards" ADD CONSTRAINT "yellow_cards_unit_id_safe_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."safe_units"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "yellow_cards" ADD CONSTRAINT "yellow_cards_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "yellow_cards" ADD CONSTRAINT "yellow_cards_repeat_of_id_yellow_cards_id_fk" FOREIGN KEY ("repeat_of_id") REFERENCES "public"."yellow_cards"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "plaques" ADD CONSTRAINT "plaques_unit_id_safe_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."safe_units"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "plaques" ADD CONSTRAINT "plaques_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "plaques" ADD CONSTRAINT "plaques_assessment_id_unit_assessments_id_fk" FOREIGN KEY ("assessment_id") REFERENCES "public"."unit_assessments"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "plaques" ADD CONSTRAINT "plaques_revoked_by_event_id_major_events_id_fk" FOREIGN KEY ("revoked_by_event_id") REFERENCES "public"."major_events"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "rectification_orders" ADD CONSTRAINT "rectification_orders_unit_id_safe_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."safe_units"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "rectification_orders" ADD CONSTRAINT "rectification_orders_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "rectification_orders" ADD CONSTRAINT "rectification_orders_yellow_card_id_yellow_cards_id_fk" FOREIGN KEY ("yellow_card_id") REFERENCES "public"."yellow_cards"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "unit_batch_moves" ADD CONSTRAINT "unit_batch_moves_unit_id_safe_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."safe_units"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "unit_batch_moves" ADD CONSTRAINT "unit_batch_moves_order_id_rectification_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."rectification_orders"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "unit_batch_moves" ADD CONSTRAINT "unit_batch_moves_from_batch_id_creation_batches_id_fk" FOREIGN KEY ("from_batch_id") REFERENCES "public"."creation_batches"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "unit_batch_moves" ADD CONSTRAINT "unit_batch_moves_to_batch_id_creation_batches_id_fk" FOREIGN KEY ("to_batch_id") REFERENCES "public"."creation_batches"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "responsibility_investigations" ADD CONSTRAINT "responsibility_investigations_unit_id_safe_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."safe_units"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "responsibility_investigations" ADD CONSTRAINT "responsibility_investigations_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "responsibility_investigations" ADD CONSTRAINT "responsibility_investigations_event_id_major_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."major_events"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "jurisdiction_evaluations" ADD CONSTRAINT "jurisdiction_evaluations_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "jurisdiction_evaluations" ADD CONSTRAINT "jurisdiction_evaluations_weights_version_evaluation_weight_versions_version_fk" FOREIGN KEY ("weights_version") REFERENCES "public"."evaluation_weight_versions"("version") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "unit_history" ADD CONSTRAINT "unit_history_unit_id_safe_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."safe_units"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "unit_history" ADD CONSTRAINT "unit_history_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_subjects" ADD CONSTRAINT "credit_subjects_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_records" ADD CONSTRAINT "credit_records_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_list_entries" ADD CONSTRAINT "credit_list_entries_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_repair_requests" ADD CONSTRAINT "credit_repair_requests_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "mediation_organisations" ADD CONSTRAINT "mediation_organisations_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "screening_rounds" ADD CONSTRAINT "screening_rounds_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_screening_round_id_screening_rounds_id_fk" FOREIGN KEY ("screening_round_id") REFERENCES "public"."screening_rounds"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_organisation_id_mediation_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."mediation_organisations"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "dispute_parties" ADD CONSTRAINT "dispute_parties_dispute_id_disputes_id_fk" FOREIGN KEY ("dispute_id") REFERENCES "public"."disputes"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "dispute_parties" ADD CONSTRAINT "dispute_parties_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "dispute_steps" ADD CONSTRAINT "dispute_steps_dispute_id_disputes_id_fk" FOREIGN KEY ("dispute_id") REFERENCES "public"."disputes"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "dispute_steps" ADD CONSTRAINT "dispute_steps_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "dispute_steps" ADD CONSTRAINT "dispute_steps_organisation_id_mediation_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."mediation_organisations"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "veto_proposals" ADD CONSTRAINT "veto_proposals_organisation_id_mediation_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."mediation_organisations"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "veto_proposals" ADD CONSTRAINT "veto_proposals_dispute_id_disputes_id_fk" FOREIGN KEY ("dispute_id") REFERENCES "public"."disputes"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "veto_proposals" ADD CONSTRAINT "veto_proposals_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "dwellings_landlord_idx" ON "dwellings" USING btree ("landlord_id");
--> statement-breakpoint
CREATE INDEX "residence_registrations_previous_idx" ON "residence_registrations" USING btree ("previous_registration_id");
--> statement-breakpoint
CREATE INDEX "person_departures_arrival_idx" ON "person_departures" USING btree ("arrival_registration_id");
--> statement-breakpoint
CREATE INDEX "revisit_tenants_person_idx" ON "revisit_tenants" USING btree ("person_id");
--> statement-breakpoint
CREATE INDEX "safe_units_batch_idx" ON "safe_units" USING btree ("batch_id");
--> statement-breakpoint
CREATE INDEX "unit_assessments_standard_idx" ON "unit_assessments" USING btree ("standard_id");
--> statement-breakpoint
CREATE INDEX "unit_assessments_rule_set_idx" ON "unit_assessments" USING btree ("rule_set_id");
--> statement-breakpoint
CREATE INDEX "disputes_organisation_idx" ON "disputes" USING btree ("organisation_id");
--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD CONSTRAINT "jurisdictions_level_check" CHECK ("jurisdictions"."level" in ('province', 'city', 'district', 'subdistrict', 'community', 'grid'));
--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_gender_check" CHECK ("persons"."gender" in ('male', 'female'));
--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_kind_check" CHECK ("persons"."kind" in ('registered', 'floating'));
--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_inflow_reason_check" CHECK ("persons"."inflow_reason" in ('work', 'farming', 'business', 'study', 'marriage', 'accompanying', 'medical', 'relatives', 'transfer', 'other'));
--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_tier_check" CHECK ("persons"."tier" in ('key', 'attention', 'stable'));
--> statement-breakpoint
ALTER TABLE "person_tier_history" ADD CONSTRAINT "person_tier_history_tier_check" CHECK ("person_tier_history"."tier" in ('key', 'attention', 'stable'));
--> statement-breakpoint
ALTER TABLE "dwellings" ADD CONSTRAINT "dwellings_filing_status_check" CHECK ("dwellings"."filing_status" in ('filed', 'pending', 'unfiled'));
--> statement-breakpoint
ALTER TABLE "dwellings" ADD CONSTRAINT "dwellings_class_check" CHECK ("dwellings"."dwelling_class" in ('key', 'general', 'trusted'));
--> statement-breakpoint
ALTER TABLE "dwelling_class_history" ADD CONSTRAINT "dwelling_class_history_class_check" CHECK ("dwelling_class_history"."dwelling_class" in ('key', 'general', 'trusted'));
--> statement-breakpoint
ALTER TABLE "residence_registrations" ADD CONSTRAINT "residence_registrations_end_kind_check" CHECK ("residence_registrations"."end_kind" in ('changed', 'deregistered', 'moved_out'));
--> statement-breakpoint
ALTER TABLE "residence_registrations" ADD CONSTRAINT "residence_registrations_source_check" CHECK ("residence_registrations"."source" in ('api', 'import', 'arrival', 'seed'));
--> statement-breakpoint
ALTER TABLE "revisit_tenants" ADD CONSTRAINT "revisit_tenants_outcome_check" CHECK ("revisit_tenants"."outcome" in ('seen', 'departed'));
--> statement-breakpoint
ALTER TABLE "overdue_notices" ADD CONSTRAINT "overdue_notices_subject_type_check" CHECK ("overdue_notices"."subject_type" in ('dwelling', 'tenant'));
--> statement-breakpoint
ALTER TABLE "patrol_checkpoints" ADD CONSTRAINT "patrol_checkpoints_kind_check" CHECK ("patrol_checkpoints"."kind" in ('city_ring', 'intercity_entrance', 'temporary_duty_point'));
--> statement-breakpoint
ALTER TABLE "patrol_teams" ADD CONSTRAINT "patrol_teams_level_check" CHECK ("patrol_teams"."level" in ('city_bureau', 'branch_bureau', 'police_station', 'community'));
--> statement-breakpoint
ALTER TABLE "patrol_duty_logs" ADD CONSTRAINT "patrol_duty_logs_task_check" CHECK ("patrol_duty_logs"."task" in ('checkpoint_control', 'sentry', 'patrol', 'standby'));
--> statement-breakpoint
ALTER TABLE "patrol_alerts" ADD CONSTRAINT "patrol_alerts_type_check" CHECK ("patrol_alerts"."type" in ('robbery', 'snatching', 'theft', 'burglary', 'fraud', 'assault', 'homicide', 'fight', 'traffic', 'public_order', 'other'));
--> statement-breakpoint
ALTER TABLE "patrol_alerts" ADD CONSTRAINT "patrol_alerts_major_kind_check" CHECK ("patrol_alerts"."major_kind" in ('major_criminal_case', 'major_safety_accident', 'major_mass_incident', 'staff_duty_crime'));
--> statement-breakpoint
ALTER TABLE "patrol_activation_rules" ADD CONSTRAINT "patrol_activation_rules_types_check" CHECK ("patrol_activation_rules"."types" <@ array['robbery', 'snatching', 'theft', 'burglary', 'fraud', 'assault', 'homicide', 'fight', 'traffic', 'public_order', 'other']::text[]);
--> statement-breakpoint
ALTER TABLE "patrol_activations" ADD CONSTRAINT "patrol_activations_types_check" CHECK ("patrol_activations"."types" <@ array['robbery', 'snatching', 'theft', 'burglary', 'fraud', 'assault', 'homicide', 'fight', 'traffic', 'public_order', 'other']::text[]);
--> statement-breakpoint
ALTER TABLE "safe_units" ADD CONSTRAINT "safe_units_category_check" CHECK ("safe_units"."category" in ('district_county', 'scenic_spot', 'town_subdistrict', 'hospital', 'road_section', 'market', 'campus', 'financial_outlet', 'enterprise', 'residential_compound', 'village_community'));
--> statement-breakpoint
ALTER TABLE "assessment_standards" ADD CONSTRAINT "assessment_standards_category_check" CHECK ("assessment_standards"."category" in ('district_county', 'scenic_spot', 'town_subdistrict', 'hospital', 'road_section', 'market', 'campus', 'financial_outlet', 'enterprise', 'residential_compound', 'village_community'));
--> statement-breakpoint
ALTER TABLE "veto_rule_set_decisions" ADD CONSTRAINT "veto_rule_set_decisions_action_check" CHECK ("veto_rule_set_decisions"."action" in ('approve', 'reject'));
--> statement-breakpoint
ALTER TABLE "unit_assessments" ADD CONSTRAINT "unit_assessments_category_check" CHECK ("unit_assessments"."category" in ('district_county', 'scenic_spot', 'town_subdistrict', 'hospital', 'road_section', 'market', 'campus', 'financial_outlet', 'enterprise', 'residential_compound', 'village_community'));
--> statement-breakpoint
ALTER TABLE "unit_assessments" ADD CONSTRAINT "unit_assessments_grade_check" CHECK ("unit_assessments"."grade" in ('C', 'B', 'A'));
--> statement-breakpoint
ALTER TABLE "major_events" ADD CONSTRAINT "major_events_kind_check" CHECK ("major_events"."kind" in ('major_criminal_case', 'major_safety_accident', 'major_mass_incident', 'staff_duty_crime'));
--> statement-breakpoint
ALTER TABLE "major_events" ADD CONSTRAINT "major_events_source_check" CHECK ("major_events"."source" in ('patrol', 'assessment', 'disputes'));
--> statement-breakpoint
ALTER TABLE "yellow_cards" ADD CONSTRAINT "yellow_cards_escalation_check" CHECK ("yellow_cards"."escalation" in ('red_card', 'veto_review'));
--> statement-breakpoint
ALTER TABLE "responsibility_investigations" ADD CONSTRAINT "investigations_outcome_check" CHECK ("responsibility_investigations"."outcome" in ('veto', 'yellow_card', 'criticism', 'none'));
--> statement-breakpoint
ALTER TABLE "unit_history" ADD CONSTRAINT "unit_history_kind_check" CHECK ("unit_history"."kind" in ('registered', 'assessed', 'corrected', 'vetoed', 'yellow_card', 'plaque_awarded', 'plaque_revoked', 'grade_changed', 'rectification_ordered', 'rectification_completed', 'batch_moved', 'major_event', 'investigation', 'retroactive_rule_set', 'veto_proposed'));
--> statement-breakpoint
ALTER TABLE "credit_subjects" ADD CONSTRAINT "credit_subjects_kind_check" CHECK ("credit_subjects"."kind" in ('enterprise', 'public_institution', 'social_organization', 'other'));
--> statement-breakpoint
ALTER TABLE "credit_records" ADD CONSTRAINT "credit_records_polarity_check" CHECK ("credit_records"."polarity" in ('positive', 'negative'));
--> statement-breakpoint
ALTER TABLE "credit_records" ADD CONSTRAINT "credit_records_severity_check" CHECK ("credit_records"."severity" in ('minor', 'general', 'serious', 'severe'));
--> statement-breakpoint
ALTER TABLE "credit_list_entries" ADD CONSTRAINT "credit_list_entries_list_type_check" CHECK ("credit_list_entries"."list_type" in ('red', 'black'));
--> statement-breakpoint
ALTER TABLE "credit_list_decisions" ADD CONSTRAINT "credit_list_decisions_action_check" CHECK ("credit_list_decisions"."action" in ('approve', 'reject', 'lift', 'reject_repair'));
--> statement-breakpoint
ALTER TABLE "mediation_organisations" ADD CONSTRAINT "mediation_organisations_kind_check" CHECK ("mediation_organisations"."kind" in ('community_room', 'unit_room', 'town_centre', 'district_centre', 'city_centre', 'specialised_committee'));
--> statement-breakpoint
ALTER TABLE "mediation_organisations" ADD CONSTRAINT "mediation_organisations_specialty_check" CHECK ("mediation_organisations"."specialty" in ('neighbourhood', 'family', 'land_demolition', 'labour_wages', 'property_management', 'medical', 'traffic_accident', 'contract_debt', 'environmental', 'other'));
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_kind_check" CHECK ("disputes"."kind" in ('neighbourhood', 'family', 'land_demolition', 'labour_wages', 'property_management', 'medical', 'traffic_accident', 'contract_debt', 'environmental', 'other'));
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_source_check" CHECK ("disputes"."source" in ('screening', 'informant', 'walk_in', 'police_referral', 'department_referral', 'petition'));
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_risk_level_check" CHECK ("disputes"."risk_level" in ('low', 'medium', 'high', 'major'));
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_status_check" CHECK ("disputes"."status" in ('registered', 'mediating', 'escalated', 'resolved', 'failed', 'mass_incident'));
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_level_check" CHECK ("disputes"."level" in ('community', 'subdistrict', 'district', 'city'));
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_mediation_kind_check" CHECK ("disputes"."mediation_kind" in ('peoples', 'petition', 'public_security', 'administrative', 'judicial'));
--> statement-breakpoint
ALTER TABLE "dispute_parties" ADD CONSTRAINT "dispute_parties_role_check" CHECK ("dispute_parties"."role" in ('applicant', 'respondent', 'third_party'));
--> statement-breakpoint
ALTER TABLE "dispute_steps" ADD CONSTRAINT "dispute_steps_kind_check" CHECK ("dispute_steps"."kind" in ('registered', 'routed', 'session', 'agreement', 'failure', 'escalated', 'mass_incident', 'follow_up'));
--> statement-breakpoint
ALTER TABLE "dispute_steps" ADD CONSTRAINT "dispute_steps_level_check" CHECK ("dispute_steps"."level" in ('community', 'subdistrict', 'district', 'city'));
--> statement-breakpoint
ALTER TABLE "dispute_steps" ADD CONSTRAINT "dispute_steps_mediation_kind_check" CHECK ("dispute_steps"."mediation_kind" in ('peoples', 'petition', 'public_security', 'administrative', 'judicial'));
--> statement-breakpoint
ALTER TABLE "veto_proposals" ADD CONSTRAINT "veto_proposals_status_check" CHECK ("veto_proposals"."status" in ('pending', 'accepted', 'rejected'));
