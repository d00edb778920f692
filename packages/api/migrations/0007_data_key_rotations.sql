CREATE TABLE "data_key_rotations" (
	"key_id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_by" text NOT NULL,
	"last_person_id" uuid,
	"rows_rotated" integer DEFAULT 0 NOT NULL,
	"rows_failed" integer DEFAULT 0 NOT NULL,
	"finished_at" timestamp with time zone
);

