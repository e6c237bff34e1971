package isola;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.ToNumberPolicy;
import com.qcloud.scf.runtime.Context;

/**
 * isola's Java runtime bootstrap: runs one function instance. Started by the
 * process executor (native/process) with fd 3 as its private channel
 * (Channel.java); compiled by the server with the JDK's javac on first use
 * and cached by content hash (native/process/java.ts), never committed as a
 * binary.
 *
 *   parent -> child: {"t":"load", ...config}, {"t":"invoke", "id", "rid", "event", "deadline"}
 *   child -> parent: {"t":"ready"}, {"t":"loaded"} / {"t":"load_failed"}, {"t":"log"},
 *                    {"t":"done"} / {"t":"failed"}
 *
 * System.out and System.err become log frames of the current request, and
 * java.util.logging records frames with their level (LevelHandler).
 */
public final class Bootstrap {
    private static final int MAX_TEXT = 64 * 1024;

    public static void main(String[] args) throws Exception {
        // Integers stay integers (Gson's default turns every number of a Map into a double).
        Gson gson = new GsonBuilder().serializeNulls().disableHtmlEscaping()
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();
        if (args.length > 0 && args[0].equals("--train")) {
            train(gson);
            return;
        }
        Channel channel = new Channel(3, gson);
        out = new LogStream(channel, "log");
        err = new LogStream(channel, "error");
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Logger root = LogManager.getLogManager().getLogger("");
        for (java.util.logging.Handler h : root.getHandlers()) root.removeHandler(h);
        root.addHandler(new LevelHandler(channel));
        JsonObject ready = new JsonObject();
        ready.addProperty("t", "ready");
        ready.addProperty("pid", ProcessHandle.current().pid());
        channel.send(ready);

        JsonObject config = channel.receive();
        Handler handler;
        try {
            handler = Handler.load(config.get("handler").getAsString(), gson);
        } catch (Handler.Missing e) {
            flush();
            channel.send(failure("load_failed", "handler_missing", e.getMessage(), ""));
            return;
        } catch (Throwable e) {
            flush();
            channel.send(failure("load_failed", e instanceof OutOfMemoryError ? "oom" : "user_error", describe(e), stackOf(e)));
            return;
        }
        flush();
        JsonObject loaded = new JsonObject();
        loaded.addProperty("t", "loaded");
        channel.send(loaded);

        while (true) {
            JsonObject msg = channel.receive();
            if (!"invoke".equals(msg.get("t").getAsString())) continue;
            long id = msg.get("id").getAsLong();
            Invocation context = new Invocation(config, msg.get("rid").getAsString(), msg.get("deadline").getAsLong(), gson);
            JsonObject answer;
            try {
                String result = handler.invoke(msg.get("event").getAsString(), context);
                flush();
                answer = new JsonObject();
                answer.addProperty("t", "done");
                answer.addProperty("result", result);
            } catch (Throwable e) {
                flush();
                answer = failure("failed", e instanceof OutOfMemoryError ? "oom" : "user_error", describe(e), stackOf(e));
            }
            answer.addProperty("id", id);
            answer.addProperty("mem", peakRss());
            channel.send(answer);
        }
    }

    /**
     * The training run of the AppCDS archive (native/process/java.ts): loads the classes every
     * instance loads — the bootstrap's and what of Gson binding and encoding uses — then exits.
     */
    private static void train(Gson gson) throws Exception {
        for (String c : new String[] {"isola.Channel", "isola.LogStream", "isola.Handler", "isola.Handler$Missing", "isola.Bootstrap$Invocation", "isola.LevelHandler"}) {
            Class.forName(c);
        }
        String json = "{\"a\":1,\"b\":[true,null,\"x\",1.5],\"c\":{\"d\":\"e\"}}";
        Map<?, ?> map = gson.fromJson(json, Map.class);
        JsonObject obj = gson.fromJson(json, JsonObject.class);
        gson.toJson(map);
        gson.toJson(obj);
        gson.toJson(new Object[] {"s", 1, 2.5, null, java.util.List.of(1)});
        stackOf(new RuntimeException("train"));
    }

    private static LogStream out;
    private static LogStream err;

    /** Ends the output of an invocation (or the init): a last line without its newline is sent now. */
    private static void flush() {
        System.out.flush();
        System.err.flush();
        out.finish();
        err.finish();
    }

    private static JsonObject failure(String t, String kind, String message, String stack) {
        JsonObject m = new JsonObject();
        m.addProperty("t", t);
        m.addProperty("kind", kind);
        m.addProperty("message", cut(message));
        m.addProperty("stack", cut(stack));
        return m;
    }

    /** "java.lang.RuntimeException: boom", as Java prints an exception. */
    private static String describe(Throwable e) {
        return e.toString();
    }

    private static String stackOf(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static String cut(String s) {
        return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) : s;
    }

    /** The JVM's heap in use plus what it holds outside the heap: the closest figure the JVM has to its memory use. */
    private static long peakRss() {
        var mem = ManagementFactory.getMemoryMXBean();
        return mem.getHeapMemoryUsage().getUsed() + mem.getNonHeapMemoryUsage().getUsed();
    }

    /** The Context of one invocation. */
    private static final class Invocation implements Context {
        private final JsonObject config;
        private final String requestId;
        private final long deadline;
        private final Gson gson;

        Invocation(JsonObject config, String requestId, long deadline, Gson gson) {
            this.config = config;
            this.requestId = requestId;
            this.deadline = deadline;
            this.gson = gson;
        }

        @Override public String getRequestId() { return requestId; }
        @Override public int getMemoryLimitInMb() { return config.get("memoryMb").getAsInt(); }
        @Override public int getTimeLimitInMs() { return config.get("timeoutMs").getAsInt(); }
        @Override public int getRemainingTimeInMillis() { return (int) Math.max(0, deadline - System.currentTimeMillis()); }
        @Override public String getFunctionName() { return config.get("functionName").getAsString(); }
        @Override public String getFunctionVersion() { return config.get("version").getAsString(); }
        @Override public String getNamespace() { return config.get("namespace").getAsString(); }
        @Override public String getEnvironment() { return gson.toJson(config.get("env")); }
    }
}
