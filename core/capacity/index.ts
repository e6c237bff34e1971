/**
 * Face of core/capacity/: who may run now. The capacity owner (capacity.ts)
 * is asked by the pipeline for every call; admission (admission.ts) holds
 * the quotas in MB and the burst bucket; concurrency.ts stores the quotas
 * the Concurrency actions set and keeps admission current.
 */
export { CapacityOwner, type CapacityDecision, type CapacityTarget, type CapacityTicket } from './capacity';
export {
  AdmissionController, unlimitedAdmission, noopAdmissionObserver,
  type Admission, type AdmissionOptions, type AdmissionRequest, type AdmissionResult, type AdmissionStats, type AdmissionObserver,
  type FunctionAdmissionStats, type Granted, type Refused, type RefusalLimit, type ThrottleEvent,
} from './admission';
export { ConcurrencyService, TOTAL_MEM_SETTING, type ConcurrencyTotals } from './concurrency';
