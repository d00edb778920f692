CREATE INDEX "residence_registrations_deregistered_idx" ON "residence_registrations" USING btree ("ended_on") WHERE "residence_registrations"."end_kind" = 'deregistered';
--> statement-breakpoint
CREATE INDEX "revisit_tenants_departed_idx" ON "revisit_tenants" USING btree ("visited_on") WHERE "revisit_tenants"."outcome" = 'departed';
