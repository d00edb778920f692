DROP INDEX "revisits_dwelling_idx";
--> statement-breakpoint
CREATE INDEX "revisits_dwelling_idx" ON "revisits" USING btree ("dwelling_id","visited_at","id");
