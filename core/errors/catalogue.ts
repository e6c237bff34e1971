/**
 * Every error code the control API can answer (scf-api.md §6), in one table:
 * when it is answered, the shape of its message and, where it matters, what
 * else happens. `ApiError` takes only these codes (an unknown code does not
 * compile); `docs/errors.md` is generated from this table by
 * `bin/gen-errors-doc.js` and `test/errors-catalogue.test.js` keeps the two
 * in sync and checks that every entry is answered somewhere.
 *
 * Every code is answered with HTTP 200 in the API envelope
 * `{"Response":{"Error":{"Code","Message"},"RequestId"}}` (the SDK throws the
 * body of any other status away); `behaviour` notes only what goes beyond
 * that. Codes are the cloud's (`Family.Detail`, so a client that knows only
 * the family still works); isola adds none of its own.
 *
 * `message` is the shape of the message, `{placeholders}` naming the values a
 * call site fills in. Call sites pass their own text naming the value at
 * fault; a code whose template has no placeholder may be thrown without one.
 */
export interface ErrorEntry {
  /** One line: when the server answers this code. */
  readonly when: string;
  /** The message's shape; `{name}` placeholders stand for values. */
  readonly message: string;
  /** What happens beyond the API envelope (data plane status, effects), when relevant. */
  readonly behaviour?: string;
}

// The data plane resolves a request's function with the same code as Invoke; http-invocation.ts maps the family.
const RESOLVED_ON_DATA_PLANE = 'also answers an HTTP request (or WebSocket upgrade) to the function with 404 NotFound';

export const ERRORS = {
  // --- authentication (checked before any action runs) ---
  'AuthFailure.InvalidAuthorization': {
    when: 'The Authorization header is missing, is not a TC3-HMAC-SHA256 authorization, or signs a header the server cannot check.',
    message: 'The Authorization header is not a valid TC3-HMAC-SHA256 authorization.',
    behaviour: 'the action does not run',
  },
  'AuthFailure.SecretIdNotFound': {
    when: 'The SecretId of the signature is unknown or disabled.',
    message: 'The SecretId is not found or is disabled.',
    behaviour: 'the action does not run',
  },
  'AuthFailure.SignatureExpire': {
    when: 'X-TC-Timestamp is more than 5 minutes away from the server clock.',
    message: 'The request timestamp is more than 5 minutes away from the server time.',
    behaviour: 'the action does not run',
  },
  'AuthFailure.SignatureFailure': {
    when: 'The signature does not match the request, or the credential scope date is not the date of X-TC-Timestamp.',
    message: 'The request signature does not match.',
    behaviour: 'the action does not run',
  },

  // --- the request itself ---
  InternalError: {
    when: 'An action failed for a reason that is not the caller\'s (a platform fault).',
    message: 'An internal error occurred; see the server log for the RequestId.',
    behaviour: 'the server logs the error with its stack under the RequestId',
  },
  InvalidAction: {
    when: 'X-TC-Action names no action this server implements.',
    message: 'The action {action} does not exist.',
  },
  NoSuchVersion: {
    when: 'X-TC-Version is not 2018-04-16.',
    message: 'The API version {version} does not exist; use 2018-04-16.',
  },
  RequestSizeLimitExceeded: {
    when: 'The request body is larger than the `maxApiBodyBytes` setting (70 MB by default).',
    message: 'The request body is larger than {max} bytes.',
    behaviour: 'checked before the signature; the body is not parsed',
  },
  InvalidParameter: {
    when: 'The request is malformed: the body is not a JSON object, a GET parameter name is reserved, or X-TC-Timestamp is not Unix seconds.',
    message: 'The request body is not valid JSON.',
  },
  MissingParameter: {
    when: 'A required parameter is absent or empty.',
    message: 'The parameter {name} is required.',
  },
  UnsupportedOperation: {
    when: 'A feature of the cloud this server does not have (yet): async invocation (InvocationType Event), invocation logs when disabled.',
    message: '{feature} is not available on this server yet.',
  },
  'FailedOperation.AsyncEventStatus': {
    when: 'TerminateAsyncEvent on an async event that already ended (FINISHED, FAILED or ABORTED).',
    message: 'Async event {requestId} is {status}; it can no longer be terminated.',
  },

  // --- failed operations ---
  'FailedOperation.DeleteAlias': {
    when: 'DeleteAlias names an alias a trigger fires (its Qualifier).',
    message: 'Alias {alias} is fired by {type} trigger {trigger}; delete the trigger or point it elsewhere (UpdateTrigger) first.',
    behaviour: 'the alias is not deleted',
  },
  'FailedOperation.DeleteNamespace': {
    when: 'DeleteNamespace names the default namespace.',
    message: 'The default namespace cannot be deleted.',
  },
  'FailedOperation.DeleteFunction': {
    when: 'DeleteFunctionVersion (or DeleteFunction with a Qualifier) names a version that has provisioned concurrency or that a trigger fires (its Qualifier).',
    message: 'Version {version} has provisioned concurrency; delete it first (DeleteProvisionedConcurrencyConfig).',
    behaviour: 'nothing is deleted',
  },
  'FailedOperation.FunctionStatusError': {
    when: 'The version to invoke has no code package.',
    message: 'Function {name} version {version} has no code.',
    behaviour: 'also answers an HTTP request (or WebSocket upgrade) to the function with 500 InternalError',
  },
  'FailedOperation.InvokeFunction': {
    when: 'Invoke names a function whose runtime is stored but cannot run on this server yet (web functions on subprocess runtimes), or not on this host (its interpreter or JDK is not installed: the message names what is missing).',
    message: 'Runtime {runtime} is not available on this server yet; functions on it can be stored but not invoked.',
  },
  'FailedOperation.OperationConflict': {
    when: 'The function was deleted and created again while UpdateFunctionCode unpacked its new code.',
    message: 'Function {name} was replaced during the update; retry.',
    behaviour: 'nothing is changed; the unpacked package is removed by the next start-up sweep',
  },
  'FailedOperation.PublishVersion': {
    when: 'PublishVersion on a function whose $LATEST has no code package.',
    message: 'Function {name} has no code to publish.',
  },
  'FailedOperation.ProvisionedExceedAvailable': {
    when: 'PutProvisionedConcurrencyConfig on a function without reserved concurrency asks for more provisioned memory (the setting\'s most instances × the version\'s memory) than the account quota leaves after every reservation and every other function\'s provisioned memory.',
    message: 'Function {name} would have {mb} MB of provisioned concurrency, more than the {available} MB the account quota leaves.',
    behaviour: 'the setting is not stored or changed',
  },
  'FailedOperation.ProvisionedExceedReserved': {
    when: 'PutReservedConcurrencyConfig would reserve less than the function\'s provisioned concurrency, or PutProvisionedConcurrencyConfig would provision more memory than the function\'s reserved concurrency.',
    message: 'Function {name} has {provisioned} MB of provisioned concurrency, more than {mb} MB.',
  },
  'FailedOperation.UpdateTriggerStatus': {
    when: 'UpdateTriggerStatus sets the state the trigger already has.',
    message: 'Trigger {trigger} is already {state}.',
  },
  'FailedOperation.UpdateFunctionConfiguration': {
    when: 'UpdateFunctionConfiguration names a Qualifier other than $LATEST: published versions are immutable.',
    message: 'UpdateFunctionConfiguration only changes $LATEST: version {qualifier} is published and immutable; update $LATEST and publish a new version.',
    behaviour: 'nothing is changed',
  },
  'FailedOperation.ReservedExceedTotal': {
    when: 'PutTotalConcurrencyConfig sets a quota below the reserved concurrency plus the part that is always unreserved.',
    message: 'TotalConcurrencyMem {mb} MB is below the {needed} MB needed: {reserved} MB reserved + {floor} MB always unreserved.',
  },

  // --- malformed parameters ---
  'InvalidParameter.FunctionName': {
    when: 'Invoke / InvokeFunction get a FunctionName that is not a string.',
    message: 'FunctionName must be a string, got {type}.',
  },
  'InvalidParameter.FunctionNameOrResourceIdRequired': {
    when: 'GetFunction without FunctionName.',
    message: 'The parameter FunctionName is required.',
  },
  'InvalidParameter.RoutingConfig': {
    when: 'An alias\'s RoutingConfig, or one of its lists or items, is not the structure the API defines.',
    message: 'RoutingConfig must be an object {AdditionalVersionWeights?, AddtionVersionMatchs?}.',
  },
  'InvalidParameter.RequestTooLarge': {
    when: 'A synchronous invocation\'s event is larger than 6 MB, or an async one (InvocationType Event) larger than 128 KB.',
    message: 'The event is larger than {max} bytes.',
  },

  // --- parameter values ---
  InvalidParameterValue: {
    when: 'A parameter without a more specific code has the wrong type (e.g. Timeout not an integer, Override not a boolean).',
    message: '{name} must be {expected}, got {value}.',
  },
  'InvalidParameterValue.Alias': {
    when: 'DeleteAlias names the default alias $DEFAULT.',
    message: 'The default alias $DEFAULT cannot be deleted; point it elsewhere with UpdateAlias.',
  },
  'InvalidParameterValue.AsyncRunEnable': {
    when: 'AsyncRunEnable is not TRUE or FALSE.',
    message: 'AsyncRunEnable must be TRUE or FALSE, got {value}.',
  },
  'InvalidParameterValue.AsyncTriggerConfig': {
    when: 'UpdateFunctionEventInvokeConfig\'s AsyncTriggerConfig is not {RetryConfig: [{RetryNum}], MsgTTL} with whole numbers.',
    message: 'AsyncTriggerConfig {what} must be {expected}.',
  },
  'InvalidParameterValue.CompatibleRuntimes': {
    when: 'PublishLayerVersion\'s CompatibleRuntimes is not a list of 1 to 5 runtime names.',
    message: 'CompatibleRuntimes must be a list of 1 to 5 runtime names.',
  },
  'InvalidParameterValue.ClientContext': {
    when: 'Invoke\'s ClientContext (the event) is not a string.',
    message: 'ClientContext must be a string, got {type}.',
  },
  'InvalidParameterValue.Code': {
    when: 'Code is not an object, or names a source other than an inline zip (COS, demo, image, git).',
    message: '{source} is not supported by this server; upload the package inline as Code.ZipFile (base64 of a zip).',
  },
  'InvalidParameterValue.DeadLetterConfig': {
    when: 'DeadLetterConfig is not {Type: FUNCTION|QUEUE, Name} or names a CMQ target (not available here).',
    message: 'DeadLetterConfig {what} must be {expected}, got {value}.',
  },
  'InvalidParameterValue.DefaultNamespace': {
    when: 'CreateNamespace names the default namespace.',
    message: 'The default namespace always exists and cannot be created.',
  },
  'InvalidParameterValue.Description': {
    when: 'A Description is not a string or is longer than 1000 characters.',
    message: 'Description must be at most 1000 characters, got {length}.',
  },
  'InvalidParameterValue.DnsCache': {
    when: 'DnsCache is not TRUE or FALSE.',
    message: 'DnsCache must be TRUE or FALSE, got {value}.',
  },
  'InvalidParameterValue.DynamicEnabled': {
    when: 'InstanceConcurrencyConfig.DynamicEnabled is not TRUE, FALSE or "".',
    message: 'InstanceConcurrencyConfig.DynamicEnabled must be TRUE, FALSE or "", got {value}.',
  },
  'InvalidParameterValue.EndTime': {
    when: 'EndTime is not `YYYY-MM-DD HH:MM:SS` or is earlier than StartTime.',
    message: 'EndTime must not be earlier than StartTime.',
  },
  'InvalidParameterValue.Environment': {
    when: 'Environment is not {Variables: [{Key, Value}]}, a key is not a valid variable name, or a key is given twice.',
    message: 'Environment variable name {key} is invalid: letters, digits and "_", not starting with a digit.',
  },
  'InvalidParameterValue.EnvironmentExceededLimit': {
    when: 'The environment variables total more than 4 KB.',
    message: 'Environment variables total {bytes} bytes; at most 4 KB (4096) is allowed.',
  },
  'InvalidParameterValue.EnvironmentSystemProtect': {
    when: 'An environment variable starts with SCF_ or TENCENTCLOUD_ (set by the platform).',
    message: 'Environment variable {key} is reserved by the platform.',
  },
  'InvalidParameterValue.Filter': {
    when: 'GetFunctionLogs\' Filter is not an object, or its RetCode is not a known filter or status code.',
    message: 'Filter.RetCode must be one of {filters} or a status code, got {value}.',
  },
  'InvalidParameterValue.Filters': {
    when: 'ListFunctions\' (or ListTriggers\') Filters is not a list of at most 10 {Name, Values} with known names.',
    message: 'Filters must be a list of {Name, Values}.',
  },
  'InvalidParameterValue.FunctionName': {
    when: 'A function name is not a string of 2-60 letters, digits, "_" and "-" starting with a letter, or is too long with its namespace; CopyFunction onto itself.',
    message: 'FunctionName {name} is invalid: 2-60 characters of letters, digits, "_" and "-", starting with a letter and ending with a letter or digit.',
  },
  'InvalidParameterValue.FunctionRequestId': {
    when: 'FunctionRequestId is not a string.',
    message: 'FunctionRequestId must be a string, got {type}.',
  },
  'InvalidParameterValue.FunctionType': {
    when: 'Invoke names a web (HTTP) function (those are called over HTTP), or a timer trigger is created on one (timers invoke event functions).',
    message: 'Function {name} is a web (HTTP) function; call it over HTTP instead.',
  },
  'InvalidParameterValue.FunctionVersion': {
    when: 'An alias\'s FunctionVersion is not a string.',
    message: 'FunctionVersion must be a string, got {type}.',
  },
  'InvalidParameterValue.Handler': {
    when: 'The handler does not fit the runtime\'s format, or the code package has no entry file for it at its root.',
    message: 'Handler {handler} is invalid for {runtime}: expected {shape}.',
  },
  'InvalidParameterValue.IdleTimeOut': {
    when: 'A WebSocket idle timeout is outside 10-7200 s, or above the function\'s Timeout.',
    message: 'ProtocolParams.WSParams.IdleTimeOut must be from 10 to 7200 seconds, got {value}.',
  },
  'InvalidParameterValue.InstallDependency': {
    when: 'InstallDependency is not TRUE or FALSE.',
    message: 'InstallDependency must be TRUE or FALSE, got {value}.',
  },
  'InvalidParameterValue.InstanceConcurrencyConfig': {
    when: 'InstanceConcurrencyConfig is not an object, or is given for an Event function.',
    message: 'InstanceConcurrencyConfig is only supported for web functions (Type HTTP).',
  },
  'InvalidParameterValue.InvocationType': {
    when: 'InvocationType is not RequestResponse or Event.',
    message: 'InvocationType must be RequestResponse or Event, got {value}.',
  },
  'InvalidParameterValue.LayerName': {
    when: 'A LayerName is not 1-64 letters, digits, "_" and "-" starting with a letter and not ending with "-" or "_".',
    message: 'LayerName {name} is invalid: 1-64 letters, digits, "_" and "-", starting with a letter, not ending with "-" or "_".',
  },
  'InvalidParameterValue.LayerVersion': {
    when: 'LayerVersion is not an integer >= 1.',
    message: 'LayerVersion must be an integer >= 1, got {value}.',
  },
  'InvalidParameterValue.Layers': {
    when: 'Layers is not a list of at most 5 distinct {LayerName, LayerVersion}, or the code package and its layers unpack to more than `maxUnpackedBytes` (500 MB).',
    message: 'Layers must be a list of {LayerName, LayerVersion}.',
    behaviour: 'nothing is created or changed',
  },
  'InvalidParameterValue.LicenseInfo': {
    when: 'PublishLayerVersion\'s LicenseInfo is not a string.',
    message: 'LicenseInfo must be a string, got {type}.',
  },
  'InvalidParameterValue.Limit': {
    when: 'Limit is not an integer in the action\'s range.',
    message: 'Limit must be from 0 to {max}, got {value}.',
  },
  'InvalidParameterValue.LogType': {
    when: 'LogType is not None or Tail.',
    message: 'LogType must be None or Tail, got {value}.',
  },
  'InvalidParameterValue.MaxConcurrency': {
    when: 'InstanceConcurrencyConfig.MaxConcurrency is not an integer from 1 to 100.',
    message: 'InstanceConcurrencyConfig.MaxConcurrency must be from 1 to 100, got {value}.',
  },
  'InvalidParameterValue.MemorySize': {
    when: 'MemorySize is not 64, or 128 to 3072 in steps of 128 MB.',
    message: 'MemorySize must be 64, or 128 to 3072 in steps of 128 MB, got {value}.',
  },
  'InvalidParameterValue.MetricName': {
    when: 'GetFunctionMetrics names an unknown metric.',
    message: 'MetricName must be one of {metrics}, got {value}.',
  },
  'InvalidParameterValue.Name': {
    when: 'An alias name is not 1-64 letters, digits, "_" and "-" starting with a letter.',
    message: 'Alias name {name} is invalid: 1-64 letters, digits, "_" and "-", starting with a letter.',
  },
  'InvalidParameterValue.Namespace': {
    when: 'A namespace name is not a string, or (CreateNamespace) not 1-30 letters, digits, "-" and "_" starting with a letter.',
    message: 'Namespace {name} is invalid: 1-30 characters of letters, digits, "-" and "_", starting with a letter.',
  },
  'InvalidParameterValue.Offset': {
    when: 'Offset is not a non-negative integer.',
    message: 'Offset must be >= 0, got {value}.',
  },
  'InvalidParameterValue.Order': {
    when: 'Order is not ASC or DESC (asc or desc for logs).',
    message: 'Order must be ASC or DESC, got {value}.',
  },
  'InvalidParameterValue.OrderBy': {
    when: 'GetFunctionLogs\' OrderBy is not a known column.',
    message: 'OrderBy must be one of {columns}, got {value}.',
  },
  'InvalidParameterValue.Orderby': {
    when: 'ListFunctions\' or ListNamespaces\' Orderby is not a known column.',
    message: 'Orderby must be {columns}, got {value}.',
  },
  'InvalidParameterValue.Param': {
    when: 'The invocation event is not a JSON document.',
    message: 'The event must be a JSON document.',
  },
  'InvalidParameterValue.Period': {
    when: 'GetFunctionMetrics\' Period is not 60.',
    message: 'Period must be 60 (seconds), got {value}.',
  },
  'InvalidParameterValue.ProtocolType': {
    when: 'ProtocolType is not WS, is WS on an Event function, or tries to turn WebSocket off once on.',
    message: 'ProtocolType must be WS, got {value}.',
  },
  'InvalidParameterValue.Publish': {
    when: 'Publish (UpdateFunctionCode, UpdateFunctionConfiguration) is not TRUE or FALSE.',
    message: 'Publish must be TRUE or FALSE, got {value}.',
  },
  'InvalidParameterValue.ProvisionedType': {
    when: 'PutProvisionedConcurrencyConfig: ProvisionedType is not Default or ConcurrencyUtilizationTracking, or TrackingTarget/MinCapacity/MaxCapacity are given with Default.',
    message: 'ProvisionedType must be Default or ConcurrencyUtilizationTracking, got {value}.',
    behaviour: 'the setting is not stored or changed',
  },
  'InvalidParameterValue.TrackingTarget': {
    when: 'PutProvisionedConcurrencyConfig with ConcurrencyUtilizationTracking: TrackingTarget is not a number in (0, 1).',
    message: 'TrackingTarget must be a number in (0, 1), got {value}.',
  },
  'InvalidParameterValue.MinCapacity': {
    when: 'PutProvisionedConcurrencyConfig with ConcurrencyUtilizationTracking: MinCapacity is not an integer ≥ 1.',
    message: 'MinCapacity must be an integer ≥ 1, got {value}.',
  },
  'InvalidParameterValue.MaxCapacity': {
    when: 'PutProvisionedConcurrencyConfig with ConcurrencyUtilizationTracking: MaxCapacity is not an integer ≥ 1, or is below MinCapacity.',
    message: 'MaxCapacity {max} is below MinCapacity {min}.',
  },
  'InvalidParameterValue.TriggerActions': {
    when: 'PutProvisionedConcurrencyConfig: TriggerActions is not a list of at most 20 actions each with a TriggerName (letters, digits, _ -; unique), a TriggerProvisionedConcurrencyNum ≥ 0 and a valid 7-field TriggerCronConfig; or is given with ConcurrencyUtilizationTracking.',
    message: 'TriggerActions[{i}] TriggerCronConfig must be a cron expression of 7 fields (second minute hour day month weekday year), got {value}.',
    behaviour: 'the setting is not stored or changed',
  },
  'InvalidParameterValue.VersionProvisionedConcurrencyNum': {
    when: 'PutProvisionedConcurrencyConfig: VersionProvisionedConcurrencyNum is not an integer ≥ 0, is 0 without TriggerActions (Default), or is not 0 with ConcurrencyUtilizationTracking.',
    message: 'VersionProvisionedConcurrencyNum must be an integer ≥ 0, got {value}.',
  },
  'InvalidParameterValue.Qualifier': {
    when: 'Qualifier is not a string, or DeleteFunction / DeleteFunctionVersion names $LATEST alone, or a provisioned concurrency action names $LATEST or an alias (only published versions can have it).',
    message: 'The $LATEST version cannot be deleted on its own; omit Qualifier to delete the function.',
  },
  'InvalidParameterValue.RoutingConfig': {
    when: 'An alias\'s routing is invalid: weights and rules both set, a weight not in (0, 1], weights summing to more than 1, a version weighted twice or equal to the main version, a rule without an `invoke.headers.<Key>` key, a method other than exact/range, or a range that is not `[a,b]`/`(a,b)` of integers.',
    message: 'The weights of AdditionalVersionWeights sum to {sum}; at most 1 is allowed.',
    behaviour: 'the alias is not created or changed',
  },
  'InvalidParameterValue.RoutingKey': {
    when: 'Invoke\'s RoutingKey is not a JSON object of string values of at most 1024 bytes.',
    message: 'RoutingKey must be a JSON object of strings (at most 1024 bytes), got {value}.',
  },
  'InvalidParameterValue.ReservedConcurrencyMem': {
    when: 'ReservedConcurrencyMem is not a non-negative integer (MB).',
    message: 'ReservedConcurrencyMem must be a non-negative integer (MB), got {value}.',
  },
  'InvalidParameterValue.Runtime': {
    when: 'Runtime is unknown or retired, or UpdateFunctionConfiguration tries to change it.',
    message: 'Runtime {runtime} is not supported; use one of {runtimes}.',
  },
  'InvalidParameterValue.SearchContext': {
    when: 'GetFunctionLogs\' SearchContext.Offset is not a cursor it returned.',
    message: 'SearchContext.Offset must be a cursor returned by GetFunctionLogs, got {value}.',
  },
  'InvalidParameterValue.SearchKey': {
    when: 'ListFunctions\' SearchKey is not a string, or ListNamespaces\' is not a list of {Key: Namespace|Description, Value}.',
    message: 'SearchKey.Key must be Namespace or Description, got {key}.',
  },
  'InvalidParameterValue.ShowCode': {
    when: 'GetFunction\'s ShowCode is not a string.',
    message: 'ShowCode must be a string, got {type}.',
  },
  'InvalidParameterValue.StartTime': {
    when: 'StartTime is not `YYYY-MM-DD HH:MM:SS`, or a metrics range is longer than one day.',
    message: 'StartTime must be YYYY-MM-DD HH:MM:SS, got {value}.',
  },
  'InvalidParameterValue.Tags': {
    when: 'Tags is not a list of at most 50 {Key, Value} with distinct keys of at most 255 characters.',
    message: 'Tags must be a list of {Key, Value}.',
  },
  'InvalidParameterValue.TargetRegion': {
    when: 'CopyFunction\'s TargetRegion is not a string.',
    message: 'TargetRegion must be a string, got {type}.',
  },
  'InvalidParameterValue.TotalConcurrencyMem': {
    when: 'TotalConcurrencyMem is not a positive integer (MB).',
    message: 'TotalConcurrencyMem must be a positive integer (MB), got {value}.',
  },
  'InvalidParameterValue.TraceEnable': {
    when: 'TraceEnable is not TRUE or FALSE.',
    message: 'TraceEnable must be TRUE or FALSE, got {value}.',
  },
  'InvalidParameterValue.CustomArgument': {
    when: 'A timer trigger\'s CustomArgument (its message) is not a string or is over 4096 bytes.',
    message: 'CustomArgument (the timer\'s message) must be a string of at most 4096 bytes.',
    behaviour: 'nothing is created or changed',
  },
  'InvalidParameterValue.TriggerDesc': {
    when: 'An apigw TriggerDesc is not JSON, lacks api.requestConfig.path, has an invalid path or method, asks for authentication, or starts with a parameter (it would shadow the function routes); a timer TriggerDesc is not a cron expression of 7 fields (or the 5-field legacy form), or names a year outside 1970-2099.',
    message: 'TriggerDesc needs api.requestConfig.path, the path the trigger is served at (e.g. "/api/users/{id}").',
    behaviour: 'nothing is created or changed',
  },
  'InvalidParameterValue.TriggerName': {
    when: 'A TriggerName is not 1-100 letters, digits, "_" and "-".',
    message: 'TriggerName {name} is invalid: 1-100 letters, digits, "_" and "-".',
  },
  'InvalidParameterValue.Enable': {
    when: 'A trigger\'s Enable is not OPEN or CLOSE.',
    message: 'Enable must be OPEN or CLOSE, got {value}.',
  },
  'InvalidParameterValue.Type': {
    when: 'A function\'s Type is not Event or HTTP, or a trigger\'s Type is not a trigger type.',
    message: 'Type must be Event or HTTP, got {value}.',
  },
  'InvalidParameterValue.WebSocketsParams': {
    when: 'ProtocolParams is not {WSParams: {IdleTimeOut}}, or is given for a function without WebSocket.',
    message: 'ProtocolParams must be {WSParams: {IdleTimeOut}}.',
  },
  'InvalidParameterValue.ZipFile': {
    when: 'The code package is empty, not a zip, or unsafe: a bad or duplicate entry name, a link leaving the package, too many files, too large unpacked, or a zip bomb.',
    message: 'the code package is not a valid zip file ({reason})',
    behaviour: 'nothing is stored; anything already unpacked is removed',
  },
  'InvalidParameterValue.ZipFileBase64BinasciiError': {
    when: 'ZipFile is not standard base64 with "=" padding.',
    message: '{name} is not valid base64 (standard alphabet with "=" padding).',
  },

  // --- quotas ---
  'LimitExceeded.Function': {
    when: 'The namespace already holds `maxFunctionsPerNamespace` functions (50 by default).',
    message: 'Namespace {namespace} already has the maximum of {max} functions.',
    behaviour: 'nothing is created; a package unpacked for the call is removed by the next start-up sweep',
  },
  'LimitExceeded.FunctionReservedConcurrencyMemory': {
    when: 'PutReservedConcurrencyConfig would leave less than the always-unreserved part of the account quota.',
    message: 'ReservedConcurrencyMem {mb} MB is over the {available} MB still reservable.',
  },
  'LimitExceeded.InitTimeout': {
    when: 'InitTimeout is outside 3-300 s.',
    message: 'InitTimeout must be from 3 to 300 seconds, got {value}.',
  },
  'LimitExceeded.Layers': {
    when: 'PublishLayerVersion would create a layer beyond `maxLayers` (20 by default).',
    message: 'At most {max} layers are allowed.',
    behaviour: 'nothing is stored; a package unpacked for the call is removed by the next start-up sweep',
  },
  'LimitExceeded.LayerVersions': {
    when: 'PublishLayerVersion on a layer that has `maxLayerVersions` versions (200 by default).',
    message: 'Layer {name} already has the maximum of {max} versions.',
  },
  'LimitExceeded.Trigger': {
    when: 'CreateTrigger on a function that has 10 triggers of that type.',
    message: 'Function {name} already has the maximum of 10 {type} triggers.',
  },
  'LimitExceeded.Memory': {
    when: 'MemorySize is above 3072 MB.',
    message: 'MemorySize must be at most 3072 MB, got {value}.',
  },
  'LimitExceeded.MsgTTL': {
    when: 'AsyncTriggerConfig.MsgTTL is outside 60 to 21600 seconds.',
    message: 'MsgTTL must be from 60 to 21600 seconds, got {value}.',
  },
  'LimitExceeded.Namespace': {
    when: 'The account already has `maxNamespaces` namespaces (5 by default).',
    message: 'At most {max} namespaces are allowed.',
  },
  'LimitExceeded.Offset': {
    when: 'GetFunctionLogs\' Offset + Limit is above 10000.',
    message: 'Offset + Limit must be at most 10000, got {value}.',
  },
  'LimitExceeded.Quota': {
    when: 'An async invocation would put more events in the function\'s queue than `asyncQueueMaxEvents` (100,000 by default).',
    message: 'The async queue of function {name} already holds {max} events.',
    behaviour: 'the event is not queued and no RequestId is returned; nothing queued before is dropped',
  },
  'LimitExceeded.RetryNum': {
    when: 'AsyncTriggerConfig.RetryConfig[0].RetryNum is over 10.',
    message: 'RetryNum must be at most 10, got {value}.',
  },
  'LimitExceeded.Timeout': {
    when: 'Timeout is outside 1-900 s.',
    message: 'Timeout must be from 1 to 900 seconds, got {value}.',
  },

  // --- missing parameters ---
  'MissingParameter.Code': {
    when: 'CreateFunction without a code package, or UpdateFunctionCode with neither code nor Handler.',
    message: 'The parameter Code (Code.ZipFile, base64 of a zip) is required.',
  },
  'MissingParameter.Runtime': {
    when: 'CreateFunction without Runtime.',
    message: 'The parameter Runtime is required.',
  },

  // --- resources ---
  'ResourceInUse.Alias': {
    when: 'CreateAlias names an alias the function has, or $DEFAULT (which always exists).',
    message: 'Function {name} already has an alias {alias}.',
  },
  'ResourceInUse.Trigger': {
    when: 'An HTTP trigger\'s path has the shape (parameters named differently count as the same) and a method of another trigger\'s, or its first segment is a namespace (it would shadow /<namespace>/<function>/…).',
    message: 'The path {path} ({methods}) conflicts with trigger {trigger} of function {namespace}/{function} ({otherPath}, {otherMethods}).',
    behaviour: 'nothing is created or changed',
  },
  'ResourceInUse.TriggerName': {
    when: 'CreateTrigger names a trigger of that type the function has.',
    message: 'Function {name} already has a {type} trigger {trigger}.',
  },
  'ResourceInUse.Function': {
    when: 'CreateFunction names a function that exists.',
    message: 'Function {name} already exists in namespace {namespace}.',
  },
  'ResourceInUse.FunctionName': {
    when: 'CopyFunction targets a function that exists and Override is not true.',
    message: 'Function {name} already exists in namespace {namespace}; pass Override=true to replace it.',
  },
  'ResourceInUse.Namespace': {
    when: 'CreateNamespace names a namespace that exists or the first segment of an HTTP trigger\'s path, or DeleteNamespace one that still has functions.',
    message: 'Namespace {name} already exists.',
  },
  'ResourceNotFound.AsyncEvent': {
    when: 'No async event of the function (or namespace) has this InvokeRequestId (statuses are kept 3 days after the end).',
    message: 'Async event {requestId} does not exist.',
  },
  'ResourceNotFound.Alias': {
    when: 'GetAlias, UpdateAlias or DeleteAlias names an alias the function does not have.',
    message: 'Function {name} has no alias {alias}.',
  },
  'ResourceNotFound.Function': {
    when: 'The named function does not exist in the namespace.',
    message: 'Function {name} does not exist in namespace {namespace}.',
    behaviour: RESOLVED_ON_DATA_PLANE,
  },
  'ResourceNotFound.FunctionVersion': {
    when: 'An alias (CreateAlias, UpdateAlias) names a main or additional version the function does not have.',
    message: 'Function {name} has no version {version}.',
    behaviour: 'the alias is not created or changed',
  },
  'ResourceNotFound.Layer': {
    when: 'Layers (CreateFunction, UpdateFunctionConfiguration) names a layer version that does not exist or was deleted; ListLayerVersions names a layer without versions.',
    message: 'Layer {name} version {version} does not exist.',
    behaviour: 'nothing is created or changed',
  },
  'ResourceNotFound.LayerVersion': {
    when: 'GetLayerVersion or DeleteLayerVersion names a layer version that does not exist or was deleted.',
    message: 'Layer {name} has no version {version}.',
  },
  'ResourceNotFound.Namespace': {
    when: 'The named namespace does not exist.',
    message: 'Namespace {name} does not exist.',
  },
  'ResourceNotFound.Qualifier': {
    when: 'An invocation names a version or alias the function does not have.',
    message: 'Function {name} has no version or alias {qualifier}.',
    behaviour: RESOLVED_ON_DATA_PLANE,
  },
  'ResourceNotFound.Trigger': {
    when: 'UpdateTrigger, UpdateTriggerStatus or DeleteTrigger names a trigger the function does not have.',
    message: 'Function {name} has no {type} trigger {trigger}.',
  },
  'ResourceNotFound.Version': {
    when: 'GetFunction, DeleteFunction or DeleteFunctionVersion names a version (or alias) the function does not have; a provisioned concurrency action names a version that does not exist, or DeleteProvisionedConcurrencyConfig one without a setting.',
    message: 'Function {name} has no version {qualifier}.',
  },

  // --- unsupported ---
  'UnsupportedOperation.AliasBind': {
    when: 'DeleteFunctionVersion (or DeleteFunction with a Qualifier) names a version an alias still routes to (main version, weight or rule).',
    message: 'Version {version} is still used by alias {alias}.',
  },
  'UnsupportedOperation.AsyncRunEnable': {
    when: 'AsyncRunEnable=TRUE on a web function, or UpdateFunctionConfiguration changing AsyncRunEnable (it is fixed at creation).',
    message: 'AsyncRunEnable=TRUE is only supported for Event functions.',
  },
  'UnsupportedOperation.Region': {
    when: 'CopyFunction\'s TargetRegion is not the region this server serves.',
    message: 'This server serves region {region}; it cannot copy to {target}.',
  },
  'UnsupportedOperation.Trigger': {
    when: 'A trigger type other than apigw (HTTP) and timer: the cloud\'s event sources (cos, cls, ckafka…) are not available on this server yet.',
    message: 'Triggers of type {type} are not available on this server yet; apigw (HTTP) and timer triggers are.',
  },
  'UnsupportedOperation.UpdateFunctionCode': {
    when: 'UpdateFunctionCode names a Qualifier other than $LATEST: published versions are immutable.',
    message: 'UpdateFunctionCode only changes $LATEST: version {qualifier} is published and immutable; update $LATEST and publish a new version.',
    behaviour: 'nothing is changed',
  },
} as const satisfies Record<string, ErrorEntry>;

/** A code the server can answer: a key of the catalogue. */
export type ErrorCode = keyof typeof ERRORS;

/** A code whose message template has no placeholder, so it can be thrown with the template as its message. */
export type PlainErrorCode = {
  [C in ErrorCode]: (typeof ERRORS)[C]['message'] extends `${string}{${string}}${string}` ? never : C;
}[ErrorCode];

/** True when `code` is in the catalogue (for codes that arrive as plain strings). */
export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERRORS, code);
