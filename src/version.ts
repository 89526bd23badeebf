/** The gateway's release (package.json's version; test/unit/version.test.ts keeps the two equal). */
export const GATEWAY_VERSION = '0.1.0'
