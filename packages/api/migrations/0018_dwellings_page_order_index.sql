DROP INDEX "dwellings_jur_idx";
--> statement-breakpoint
CREATE INDEX "dwellings_jur_pattern_id_idx" ON "dwellings" USING btree ("jurisdiction_code" text_pattern_ops,"id");
