/**
 * Reading a code package out of CreateFunction / UpdateFunctionCode
 * parameters. Only inline zips (`Code.ZipFile`, or the flat `ZipFile` of
 * UpdateFunctionCode) exist on a self-hosted server; COS, demo and image
 * sources are refused with InvalidParameterValue.Code.
 */
import { ApiError } from '../errors';

type Params = Record<string, unknown>;

const UNSUPPORTED_SOURCES = ['CosBucketName', 'CosObjectName', 'CosBucketRegion', 'DemoId', 'TempCosObjectName', 'ImageConfig', 'GitUrl'];

/**
 * The zip bytes the request carries, or undefined when it carries none.
 * `allowFlat` also reads UpdateFunctionCode's top-level ZipFile/Cos* fields.
 */
export function readZipParam(params: Params, allowFlat: boolean): Buffer | undefined {
  const code = params['Code'];
  if (code !== undefined && code !== null) {
    if (typeof code !== 'object' || Array.isArray(code)) throw new ApiError('InvalidParameterValue.Code', 'Code must be an object such as {ZipFile: "<base64 zip>"}.');
    return fromSource(code as Params, 'Code.');
  }
  if (allowFlat) return fromSource(params, '');
  return undefined;
}

function fromSource(source: Params, prefix: string): Buffer | undefined {
  for (const name of UNSUPPORTED_SOURCES) {
    const value = source[name];
    if (value !== undefined && value !== null && value !== '') {
      throw new ApiError('InvalidParameterValue.Code', `${prefix}${name} is not supported by this server; upload the package inline as ${prefix}ZipFile (base64 of a zip).`);
    }
  }
  const zip = source['ZipFile'];
  if (zip === undefined || zip === null) return undefined;
  if (typeof zip !== 'string') throw new ApiError('InvalidParameterValue.ZipFile', `${prefix}ZipFile must be a base64 string.`);
  return decodeBase64Strict(zip, `${prefix}ZipFile`);
}

/**
 * Decodes standard base64 (with padding; line breaks tolerated) and rejects
 * anything else — Node's decoder silently skips bad characters, so the result
 * is re-encoded and compared. InvalidParameterValue.ZipFileBase64BinasciiError.
 */
export function decodeBase64Strict(text: string, name: string): Buffer {
  const compact = /[\r\n\t ]/.test(text) ? text.replace(/[\r\n\t ]+/g, '') : text;
  if (compact.length === 0) throw new ApiError('InvalidParameterValue.ZipFile', `${name} is empty.`);
  const bytes = Buffer.from(compact, 'base64');
  if (compact.length % 4 !== 0 || bytes.toString('base64') !== compact) {
    throw new ApiError('InvalidParameterValue.ZipFileBase64BinasciiError', `${name} is not valid base64 (standard alphabet with "=" padding).`);
  }
  return bytes;
}
