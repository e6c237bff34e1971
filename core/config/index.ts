/** Face of core/config/: server settings (validated once, frozen), API parameter readers, the version. */
export { type PlatformConfig, resolveConfig } from './config';
export { formatTime, optionalInteger, optionalString, optionalTime, paging, requiredString, TIME_PATTERN } from './validate';
export { VERSION } from './version';
