/** The package version, read once (shown by /healthz and `isola --version`). */
export const VERSION: string = (require('../../../package.json') as { version: string }).version;
