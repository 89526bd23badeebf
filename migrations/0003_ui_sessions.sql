CREATE TABLE `ui_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`key_id` text,
	`csrf_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ui_sessions_expires_idx` ON `ui_sessions` (`expires_at`);