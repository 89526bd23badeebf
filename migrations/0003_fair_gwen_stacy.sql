CREATE TABLE `access_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`key_id` text NOT NULL,
	`team` text,
	`prompt` text NOT NULL,
	`reason` text,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	`decided_by` text,
	`note` text
);
--> statement-breakpoint
CREATE INDEX `access_requests_key_idx` ON `access_requests` (`key_id`,`prompt`,`status`);--> statement-breakpoint
CREATE INDEX `access_requests_status_idx` ON `access_requests` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `request_bodies` (
	`request_id` text PRIMARY KEY NOT NULL,
	`key_id` text,
	`team` text,
	`created_at` integer NOT NULL,
	`request` text,
	`response` text
);
--> statement-breakpoint
CREATE INDEX `request_bodies_created_idx` ON `request_bodies` (`created_at`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `role` text DEFAULT 'member' NOT NULL;--> statement-breakpoint
ALTER TABLE `usage` ADD `cache_savings_pico_usd` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `cache_savings_pico_usd` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_max_ms` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_1` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_2` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_3` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_4` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_5` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_6` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_7` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_8` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_10` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_12` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_14` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_16` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_20` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_24` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_28` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_32` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_40` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_48` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_56` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_64` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_80` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_96` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_112` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_128` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_160` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_192` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_224` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_256` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_320` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_384` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_448` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_512` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_640` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_768` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_896` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_1024` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_1280` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_1536` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_1792` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_2048` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_2560` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_3072` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_3584` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_4096` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_5120` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_6144` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_7168` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_8192` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_10240` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_12288` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_14336` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_16384` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_20480` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_24576` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_28672` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_32768` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_40960` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_49152` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_57344` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_65536` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_81920` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_98304` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_114688` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_131072` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_163840` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_196608` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_229376` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_262144` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_327680` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_393216` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_458752` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_524288` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_655360` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_786432` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_917504` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_daily` ADD `ttft_le_1048576` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `cache_savings_pico_usd` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_max_ms` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_1` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_2` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_3` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_4` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_5` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_6` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_7` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_8` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_10` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_12` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_14` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_16` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_20` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_24` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_28` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_32` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_40` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_48` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_56` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_64` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_80` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_96` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_112` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_128` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_160` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_192` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_224` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_256` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_320` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_384` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_448` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_512` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_640` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_768` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_896` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_1024` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_1280` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_1536` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_1792` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_2048` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_2560` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_3072` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_3584` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_4096` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_5120` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_6144` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_7168` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_8192` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_10240` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_12288` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_14336` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_16384` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_20480` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_24576` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_28672` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_32768` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_40960` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_49152` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_57344` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_65536` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_81920` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_98304` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_114688` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_131072` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_163840` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_196608` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_229376` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_262144` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_327680` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_393216` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_458752` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_524288` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_655360` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_786432` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_917504` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_rollup_hourly` ADD `ttft_le_1048576` integer DEFAULT 0 NOT NULL;