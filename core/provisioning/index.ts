/**
 * Face of core/provisioning/: provisioned concurrency — the actions'
 * service (service.ts), the setting it stores (settings.ts) and the
 * utilisation-tracking decision (tracking.ts).
 */
export { ProvisionedService, type ProvisionedInfo } from './service';
export { ProvisionedAdmission } from './admission';
export { readSettings, checkCron, ceilingOf, type ProvisionedSettings, type ScheduledAction } from './settings';
export { decide as decideTracking, TRACKING_CHECK_MS, SCALE_DOWN_EVERY_MS, type TrackingState } from './tracking';
