/**
 * The one mapping from the store's error codes (store/errors.ts) to the
 * control API's: which API code each store code becomes. The store's
 * message is kept as the API message — it names the entry or limit at fault
 * in words meant for the caller.
 */
import { isStoreError, type StoreErrorCode } from '../../store';
import { ApiError } from './errors';

/** A Record over every store code, so a code added to the store fails the build until it is mapped here. */
const API_CODE: Readonly<Record<StoreErrorCode, 'InvalidParameterValue.ZipFile' | 'InvalidParameterValue.Handler'>> = Object.freeze({
  ZIP_INVALID: 'InvalidParameterValue.ZipFile',
  ZIP_TOO_MANY_ENTRIES: 'InvalidParameterValue.ZipFile',
  ZIP_TOO_LARGE: 'InvalidParameterValue.ZipFile',
  ZIP_RATIO_TOO_HIGH: 'InvalidParameterValue.ZipFile',
  ZIP_BAD_ENTRY_NAME: 'InvalidParameterValue.ZipFile',
  ZIP_DUPLICATE_ENTRY: 'InvalidParameterValue.ZipFile',
  ZIP_UNSUPPORTED_ENTRY: 'InvalidParameterValue.ZipFile',
  ZIP_ENTRY_CORRUPT: 'InvalidParameterValue.ZipFile',
  ZIP_PATH_CONFLICT: 'InvalidParameterValue.ZipFile',
  ZIP_BAD_SYMLINK: 'InvalidParameterValue.ZipFile',
  ENTRY_FILE_NOT_AT_ROOT: 'InvalidParameterValue.Handler',
  ENTRY_FILE_MISSING: 'InvalidParameterValue.Handler',
});

/**
 * The ApiError a StoreError stands for (same message); anything else is
 * returned as it is. Call it where core catches what a store call threw:
 * `catch (err) { throw apiErrorFromStore(err); }`.
 */
export function apiErrorFromStore(err: unknown): unknown {
  if (!isStoreError(err)) return err;
  return new ApiError(API_CODE[err.code], err.message);
}
