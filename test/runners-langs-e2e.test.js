'use strict';
// PHP, Java and Go event functions end to end through the official SDK: CreateFunction with a
// package as the cloud takes it (PHP source; a Java jar with lib/*.jar, POJO and String
// bindings, the Context; a Go binary), Invoke, RetMsg and the log.
const t = require('tap');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { findGo, buildGoFunction } = require('./conformance/drivers/go-fixtures');

/** A Java package: app.jar (demo.Greeter) using lib/shout.jar (util.Shout), built with javac and jar. */
function javaPackage(t) {
  const dir = t.testdir();
  const w = (rel, text) => { fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true }); fs.writeFileSync(path.join(dir, rel), text); };
  w('src-lib/util/Shout.java', 'package util;\npublic class Shout { public static String up(String s) { return s.toUpperCase() + "!"; } }\n');
  w('src-app/demo/Person.java', 'package demo;\npublic class Person { public String name; public int age; }\n');
  w('src-app/demo/Greeter.java', `package demo;
import java.util.*;
import com.qcloud.scf.runtime.Context;
public class Greeter {
  public Map<String, Object> greet(Person p, Context ctx) {
    System.out.println("greeting " + p.name);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("greeting", util.Shout.up("hello " + p.name));
    out.put("nextAge", p.age + 1);
    out.put("requestId", ctx.getRequestId());
    out.put("memory", ctx.getMemoryLimitInMb());
    return out;
  }
  public static String echo(String s) { return "got " + s; }
}
`);
  const nativeJava = path.join(__dirname, '..', 'native', 'java');
  execFileSync('javac', ['-d', path.join(dir, 'lib-classes'), path.join(dir, 'src-lib/util/Shout.java')]);
  execFileSync('jar', ['--create', '--file', path.join(dir, 'shout.jar'), '-C', path.join(dir, 'lib-classes'), '.']);
  execFileSync('javac', ['-d', path.join(dir, 'app-classes'), '-cp', path.join(dir, 'shout.jar'), '-sourcepath', nativeJava,
    path.join(dir, 'src-app/demo/Person.java'), path.join(dir, 'src-app/demo/Greeter.java')]);
  // The package holds the application's classes in a jar; isola's Context is not packaged (the runtime has it).
  fs.rmSync(path.join(dir, 'app-classes', 'com'), { recursive: true, force: true });
  execFileSync('jar', ['--create', '--file', path.join(dir, 'app.jar'), '-C', path.join(dir, 'app-classes'), '.']);
  return { 'app.jar': fs.readFileSync(path.join(dir, 'app.jar')), 'lib/shout.jar': fs.readFileSync(path.join(dir, 'shout.jar')) };
}

t.test('PHP, Java and Go functions deploy and answer through the SDK', async (t) => {
  // Packages are built first: a build of seconds between two SDK calls would let the server close the
  // SDK's idle keep-alive connection under it (socket hang up on the next call).
  const jar = javaPackage(t);
  const goBinary = findGo() === null ? null : buildGoFunction();
  const server = await startServer(t);
  const client = server.client();

  await createFunction(client, 'php', { 'index.php': '<?php\nfunction main_handler($event, $context) {\n  echo "hi {$event->name}\\n";\n  return ["got" => $event->name, "isObject" => is_object($event), "fn" => $context->function_name];\n}\n' }, { Runtime: 'Php8.0' });
  const php = await invoke(client, 'php', { name: 'isola' });
  t.equal(php.InvokeResult, 0, php.Log);
  t.same(JSON.parse(php.RetMsg), { got: 'isola', isObject: true, fn: 'php' });
  t.match(php.Log, /hi isola/);

  await createFunction(client, 'java', jar, { Runtime: 'Java11', Handler: 'demo.Greeter::greet', MemorySize: 256 });
  const java = await invoke(client, 'java', { name: 'ada', age: 36 });
  t.equal(java.InvokeResult, 0, java.Log);
  t.same(JSON.parse(java.RetMsg), { greeting: 'HELLO ADA!', nextAge: 37, requestId: java.FunctionRequestId, memory: 256 });
  t.match(java.Log, /greeting ada/);
  await createFunction(client, 'java-string', jar, { Runtime: 'Java8', Handler: 'demo.Greeter::echo' });
  t.equal((await invoke(client, 'java-string', 'plain')).RetMsg, '"got plain"', 'a String parameter gets a JSON string event as its value');
  t.equal((await invoke(client, 'java-string', { a: 1 })).RetMsg, '"got {\\"a\\":1}"', 'and any other event as its JSON text');

  if (goBinary === null) {
    t.comment('Go part skipped: go not found in PATH (Debian: golang-go)');
    return;
  }
  // The array form of a zip keeps the executable bit (the server's unpack keeps it: 0555).
  await createFunction(client, 'go', [{ name: 'main', data: goBinary, mode: 0o755 }, { name: 'fixture', data: 'context-dump' }], { Runtime: 'Go1', Handler: 'main', Environment: { Variables: [{ Key: 'K', Value: 'v' }] } });
  const go = await invoke(client, 'go', {});
  t.equal(go.InvokeResult, 0, go.Log);
  const ctx = JSON.parse(go.RetMsg);
  t.match(ctx, { request_id: go.FunctionRequestId, function_name: 'go', function_version: '$LATEST', namespace: 'default', memory_limit_in_mb: 128, time_limit_in_ms: 3000 });
  t.equal(JSON.parse(ctx.environment).K, 'v');
  t.ok(ctx.remaining_time_in_ms > 0 && ctx.remaining_time_in_ms <= 3000, `remaining ${ctx.remaining_time_in_ms}`);
});
