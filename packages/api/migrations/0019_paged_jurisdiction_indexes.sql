DROP INDEX "persons_jur_idx";
--> statement-breakpoint
DROP INDEX "patrol_checkpoints_jur_idx";
--> statement-breakpoint
DROP INDEX "mediation_organisations_jur_idx";
--> statement-breakpoint
CREATE INDEX "persons_jur_pattern_id_idx" ON "persons" USING btree ("jurisdiction_code" text_pattern_ops,"id");
--> statement-breakpoint
CREATE INDEX "patrol_checkpoints_jur_pattern_id_idx" ON "patrol_checkpoints" USING btree ("jurisdiction_code" text_pattern_ops,"id");
--> statement-breakpoint
CREATE INDEX "mediation_organisations_jur_pattern_id_idx" ON "mediation_organisations" USING btree ("jurisdiction_code" text_pattern_ops,"id");
