<?php
/*
 * isola's PHP runtime bootstrap: runs one function instance.
 *
 * Started by the process executor (native/process) with fd 3 as its private
 * channel: frames of [u32 BE length][0xc1][UTF-8 JSON] both ways (see
 * native/process/channel.ts). Runs on the machine's php-cli whatever the
 * function's runtime name (Php7 ... Php8.0).
 *
 *   parent -> child: {"t":"load", ...config}, {"t":"invoke", "id", "rid", "event", "deadline"}
 *   child -> parent: {"t":"ready"}, {"t":"loaded"} / {"t":"load_failed"}, {"t":"log"},
 *                    {"t":"done"} / {"t":"failed"}
 *
 * echo/print output, trigger_error() messages and PHP's warnings/notices become
 * log frames of the current request (isola_on_error says which level); error_log() and anything written to STDERR/fd 2 directly is read by
 * the parent as plain lines. A fatal error (one PHP cannot catch, e.g. a
 * compile error in an included file) is reported as the invocation's failure
 * from the shutdown function, then the process ends (the executor discards it).
 */

const ISOLA_MARK = "\xc1";
const ISOLA_MAX_TEXT = 65536;
const ISOLA_LINE_CUT = 8192;

$isola_channel = fopen('php://fd/3', 'r+b');
stream_set_write_buffer($isola_channel, 0);
/** The invocation in progress (its id), for the shutdown function; null between calls. */
$isola_current = null;
/** The load step in progress, for the shutdown function. */
$isola_loading = false;
$isola_pending = '';
$isola_cutting = false;

function isola_send(array $msg): void
{
    global $isola_channel;
    $data = json_encode($msg, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR);
    $frame = pack('N', strlen($data) + 1) . ISOLA_MARK . $data;
    for ($off = 0, $len = strlen($frame); $off < $len; $off += $n) {
        $n = fwrite($isola_channel, substr($frame, $off));
        if ($n === false || $n === 0) exit(0);
    }
}

function isola_read_exact(int $n): string
{
    global $isola_channel;
    $buf = '';
    while (strlen($buf) < $n) {
        $chunk = fread($isola_channel, $n - strlen($buf));
        if ($chunk === false || ($chunk === '' && feof($isola_channel))) exit(0); // the parent closed the channel
        $buf .= $chunk;
    }
    return $buf;
}

function isola_receive(): array
{
    $length = unpack('N', isola_read_exact(4))[1];
    $payload = isola_read_exact($length);
    if ($payload[0] !== ISOLA_MARK) throw new RuntimeException('unexpected frame encoding');
    return json_decode(substr($payload, 1), true, 512, JSON_THROW_ON_ERROR);
}

function isola_log(string $level, string $line): void
{
    isola_send(['t' => 'log', 'level' => $level, 'msg' => substr($line, 0, ISOLA_LINE_CUT), 'time' => microtime(true) * 1000]);
}

/**
 * The output buffer's callback: each complete line of echo/print output is a log frame. A line
 * over the cut is sent at once, cut; the rest of it, up to its end, is dropped.
 */
function isola_output(string $chunk, int $phase): string
{
    global $isola_pending, $isola_cutting;
    $lines = explode("\n", $chunk);
    $rest = array_pop($lines);
    foreach ($lines as $piece) {
        if (!$isola_cutting) isola_log('log', $isola_pending . $piece);
        $isola_pending = '';
        $isola_cutting = false;
    }
    if (!$isola_cutting) {
        $isola_pending .= $rest;
        if (strlen($isola_pending) > ISOLA_LINE_CUT) {
            isola_log('log', $isola_pending);
            $isola_pending = '';
            $isola_cutting = true;
        }
    }
    if (($phase & (PHP_OUTPUT_HANDLER_FINAL | PHP_OUTPUT_HANDLER_FLUSH)) && $isola_pending !== '') {
        isola_log('log', $isola_pending);
        $isola_pending = '';
    }
    if ($phase & (PHP_OUTPUT_HANDLER_FINAL | PHP_OUTPUT_HANDLER_FLUSH)) $isola_cutting = false;
    return '';
}

function isola_flush(): void
{
    ob_flush();
}

function isola_peak_rss(): int
{
    return getrusage()['ru_maxrss'] * 1024;
}

function isola_describe(Throwable $e): string
{
    $message = $e->getMessage();
    return get_class($e) . ($message === '' ? '' : ': ' . $message);
}

function isola_failure(Throwable $e): array
{
    $stack = get_class($e) . ': ' . $e->getMessage() . ' in ' . $e->getFile() . ':' . $e->getLine() . "\nStack trace:\n" . $e->getTraceAsString();
    $oom = str_contains($e->getMessage(), 'Allowed memory size');
    return ['kind' => $oom ? 'oom' : 'user_error', 'message' => substr(isola_describe($e), 0, ISOLA_MAX_TEXT), 'stack' => substr($stack, -ISOLA_MAX_TEXT)];
}

/**
 * PHP's warnings, notices and deprecations become log lines of the request (PHP goes on, as it
 * would). trigger_error() is PHP's own leveled message, so a user-triggered one logs its text
 * as-is at its level: E_USER_NOTICE info, E_USER_WARNING warn, E_USER_ERROR error (handled here,
 * so the script goes on), E_USER_DEPRECATED debug. The engine's own are "PHP Warning: … in file:line".
 */
function isola_on_error(int $errno, string $errstr, string $errfile, int $errline): bool
{
    if (!(error_reporting() & $errno)) return false;
    isola_flush();
    $user = [E_USER_NOTICE => 'info', E_USER_WARNING => 'warn', E_USER_ERROR => 'error', E_USER_DEPRECATED => 'debug'];
    if (isset($user[$errno])) {
        isola_log($user[$errno], $errstr);
        return true;
    }
    [$level, $name] = ($errno & (E_WARNING | E_CORE_WARNING | E_COMPILE_WARNING)) ? ['warn', 'Warning']
        : (($errno & (E_NOTICE | E_STRICT)) ? ['info', 'Notice'] : (($errno & E_DEPRECATED) ? ['info', 'Deprecated'] : ['error', 'Error']));
    isola_log($level, "PHP {$name}: {$errstr} in {$errfile}:{$errline}");
    return true;
}

/** A fatal error ends the script: say so as the failure of what was running, then exit. */
function isola_on_shutdown(): void
{
    global $isola_current, $isola_loading;
    $err = error_get_last();
    if ($err === null || !($err['type'] & (E_ERROR | E_PARSE | E_CORE_ERROR | E_COMPILE_ERROR | E_USER_ERROR | E_RECOVERABLE_ERROR))) return;
    @ob_end_flush();
    $message = 'PHP Fatal error: ' . $err['message'];
    $kind = str_contains($err['message'], 'Allowed memory size') ? 'oom' : 'user_error';
    $stack = "{$message} in {$err['file']}:{$err['line']}";
    if ($isola_current !== null) {
        // exit: the script ends here, so the executor does not hand this instance another call.
        isola_send(['t' => 'failed', 'id' => $isola_current, 'kind' => $kind, 'message' => substr($message, 0, ISOLA_MAX_TEXT), 'stack' => $stack, 'mem' => isola_peak_rss(), 'exit' => true]);
    } elseif ($isola_loading) {
        isola_send(['t' => 'load_failed', 'kind' => $kind, 'message' => substr($message, 0, ISOLA_MAX_TEXT), 'stack' => $stack]);
    }
}

/** Includes the handler's file; returns [callable, null] or [null, failure]. */
function isola_load(array $config): array
{
    global $isola_loading;
    $dot = strrpos($config['handler'], '.');
    $file = substr($config['handler'], 0, $dot);
    $function = substr($config['handler'], $dot + 1);
    $path = getenv('USER_CODE_ROOT') . '/' . $file . '.php';
    if (!is_file($path)) return [null, ['kind' => 'handler_missing', 'message' => 'module missing: ' . $file, 'stack' => '']];
    $isola_loading = true;
    try {
        (static function (string $isola_path): void { require $isola_path; })($path);
    } catch (Throwable $e) {
        return [null, isola_failure($e)];
    } finally {
        $isola_loading = false;
    }
    if (!function_exists($function)) return [null, ['kind' => 'handler_missing', 'message' => 'handler missing: ' . $config['handler'], 'stack' => '']];
    return [$function, null];
}

function isola_context_fields(array $config): array
{
    $env = $config['env'];
    $environ = [];
    foreach ($env as $k => $v) $environ[] = "{$k}={$v}";
    return [
        'memory_limit_in_mb' => $config['memoryMb'],
        'time_limit_in_ms' => $config['timeoutMs'],
        'environment' => json_encode((object) $env, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES),
        'environ' => implode(';', $environ),
        'function_version' => $config['version'],
        'function_name' => $config['functionName'],
        'namespace' => $config['namespace'],
        'tencentcloud_region' => $config['region'],
        'tencentcloud_appid' => $config['appId'],
        'tencentcloud_uin' => $config['uin'],
    ];
}

/** The context: the fields of the spec as public properties (json_encode($context) shows them), plus the remaining time. */
#[\AllowDynamicProperties]
final class IsolaContext
{
    private float $deadline;

    public function __construct(array $fields, float $deadline)
    {
        foreach ($fields as $k => $v) $this->$k = $v;
        $this->deadline = $deadline;
    }

    public function get_remaining_time_in_millis(): int
    {
        return max(0, (int) ($this->deadline - microtime(true) * 1000));
    }
}

function isola_invoke(string $handler, array $fields, array $msg): array
{
    global $isola_current;
    $isola_current = $msg['id'];
    $context = new IsolaContext($fields + ['request_id' => $msg['rid']], $msg['deadline']);
    try {
        // The event is an object (stdClass), as the cloud's PHP runtime hands it over.
        $event = json_decode($msg['event'], false, 512, JSON_THROW_ON_ERROR);
        $result = $handler($event, $context);
        isola_flush();
        $text = json_encode($result, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR);
        return ['t' => 'done', 'id' => $msg['id'], 'result' => $text, 'mem' => isola_peak_rss()];
    } catch (Throwable $e) {
        isola_flush();
        return ['t' => 'failed', 'id' => $msg['id'], 'mem' => isola_peak_rss()] + isola_failure($e);
    } finally {
        $isola_current = null;
    }
}

function isola_main(): void
{
    global $isola_pending;
    $root = getenv('USER_CODE_ROOT');
    set_include_path($root . PATH_SEPARATOR . (getenv('ISOLA_OPT_DIR') ?: '/opt') . PATH_SEPARATOR . get_include_path());
    chdir($root);
    set_error_handler('isola_on_error');
    register_shutdown_function('isola_on_shutdown');
    ini_set('display_errors', 'stderr');
    ini_set('log_errors', '0');
    ob_start('isola_output', 1);
    isola_send(['t' => 'ready', 'pid' => getmypid()]);
    $config = isola_receive();
    // The function's memory is PHP's own limit: "Allowed memory size ... exhausted" is out of memory.
    ini_set('memory_limit', max(16, $config['memoryMb']) . 'M');
    [$handler, $failed] = isola_load($config);
    isola_flush();
    if ($failed !== null) {
        isola_send(['t' => 'load_failed'] + $failed);
        return;
    }
    isola_send(['t' => 'loaded']);
    $fields = isola_context_fields($config);
    while (true) {
        $msg = isola_receive();
        if (($msg['t'] ?? null) === 'invoke') isola_send(isola_invoke($handler, $fields, $msg));
    }
}

isola_main();
