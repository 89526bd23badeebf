CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`team` text,
	`key_hash` text NOT NULL,
	`key_prefix` text NOT NULL,
	`models` text,
	`prompts` text,
	`budget_pico_usd` integer,
	`budget_period` text,
	`rpm` integer,
	`tpm` integer,
	`max_parallel` integer,
	`expires_at` integer,
	`metadata` text,
	`webhook_secret` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_idx` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`key_id` text,
	`kind` text NOT NULL,
	`request` text NOT NULL,
	`status` text NOT NULL,
	`result_status` integer,
	`result` text,
	`error` text,
	`callback_url` text,
	`delivery_state` text DEFAULT 'none' NOT NULL,
	`delivery_attempts` integer DEFAULT 0 NOT NULL,
	`next_delivery_at` integer,
	`last_delivery_error` text,
	`webhook_id` text,
	`lease_until` integer,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_key_created_idx` ON `jobs` (`key_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `jobs_status_idx` ON `jobs` (`status`);--> statement-breakpoint
CREATE INDEX `jobs_delivery_idx` ON `jobs` (`delivery_state`,`next_delivery_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `usage` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` text NOT NULL,
	`attempt` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`key_id` text,
	`team` text,
	`provider` text,
	`model` text,
	`route` text,
	`strategy` text,
	`prompt` text,
	`prompt_version` text,
	`endpoint` text DEFAULT 'chat' NOT NULL,
	`stream` integer DEFAULT false NOT NULL,
	`status` integer NOT NULL,
	`outcome` text NOT NULL,
	`error_type` text,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`cached_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL,
	`reasoning_tokens` integer DEFAULT 0 NOT NULL,
	`cost_pico_usd` integer,
	`latency_ms` integer NOT NULL,
	`ttft_ms` integer
);
--> statement-breakpoint
CREATE INDEX `usage_created_idx` ON `usage` (`created_at`);--> statement-breakpoint
CREATE INDEX `usage_key_created_idx` ON `usage` (`key_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `usage_model_created_idx` ON `usage` (`model`,`created_at`);--> statement-breakpoint
CREATE INDEX `usage_request_idx` ON `usage` (`request_id`);