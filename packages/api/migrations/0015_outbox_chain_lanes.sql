ALTER TABLE "event_outbox" ADD COLUMN "chain" text;
