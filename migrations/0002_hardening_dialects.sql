CREATE TABLE `responses` (
	`id` text PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`response` text NOT NULL,
	`items` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `responses_expires_idx` ON `responses` (`expires_at`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `route_header` text DEFAULT 'in_scope' NOT NULL;--> statement-breakpoint
ALTER TABLE `usage` ADD `surface` text;