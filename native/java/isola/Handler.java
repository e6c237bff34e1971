package isola;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Map;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.qcloud.scf.runtime.Context;

/**
 * The handler `package.Class::method`, bound: its parameter types decide how
 * the event arrives — String (a JSON string event as its value, any other
 * event as its JSON text), a Map (the JSON object), a JsonElement, or any
 * other type (a POJO) bound from the JSON by Gson — and an optional second
 * parameter of type com.qcloud.scf.runtime.Context. The return value is
 * JSON-encoded (a String as a JSON string, void as null).
 */
final class Handler {
    /** A handler that cannot be found: the load fails as handler_missing with this message. */
    static final class Missing extends Exception {
        Missing(String message) {
            super(message);
        }
    }

    private final Object target;
    private final Method method;
    private final Type eventType;
    private final boolean takesContext;
    private final Gson gson;

    private Handler(Object target, Method method, Gson gson) {
        this.target = target;
        this.method = method;
        this.gson = gson;
        Type[] params = method.getGenericParameterTypes();
        this.eventType = params.length > 0 ? params[0] : null;
        this.takesContext = params.length == 2;
    }

    /**
     * Loads the class (its static initialiser runs here: an exception there is
     * the function's init error) and finds the method: public, one or two
     * parameters, the second a Context. An instance method gets an instance
     * made once with the public no-argument constructor.
     */
    static Handler load(String spec, Gson gson) throws Throwable {
        int sep = spec.indexOf("::");
        if (sep <= 0) throw new Missing("handler missing: " + spec + " (expected package.Class::method)");
        String className = spec.substring(0, sep);
        String methodName = spec.substring(sep + 2);
        Class<?> cls;
        try {
            cls = Class.forName(className, false, Handler.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new Missing("class missing: " + className);
        }
        try {
            Class.forName(className, true, cls.getClassLoader());
        } catch (ExceptionInInitializerError e) {
            throw e.getCause() == null ? e : e.getCause();
        }
        Method found = null;
        for (Method m : cls.getMethods()) {
            if (!m.getName().equals(methodName)) continue;
            Class<?>[] p = m.getParameterTypes();
            if (p.length == 1 || (p.length == 2 && p[1] == Context.class)) {
                if (found == null || p.length > found.getParameterCount()) found = m;
            }
        }
        if (found == null) throw new Missing("handler missing: " + spec + " (a public method " + methodName + "(event) or " + methodName + "(event, Context))");
        Object target = null;
        if (!Modifier.isStatic(found.getModifiers())) {
            try {
                target = cls.getConstructor().newInstance();
            } catch (NoSuchMethodException e) {
                throw new Missing("handler missing: " + className + " has no public no-argument constructor for the instance method " + methodName);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
        return new Handler(target, found, gson);
    }

    /** Runs the handler on the event (JSON text); returns the result as JSON text. Throws what the handler threw. */
    String invoke(String eventJson, Context context) throws Throwable {
        Object event = bind(eventJson);
        Object result;
        try {
            result = takesContext ? method.invoke(target, event, context) : method.invoke(target, event);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        return gson.toJson(result);
    }

    private Object bind(String eventJson) {
        Class<?> raw = method.getParameterTypes()[0];
        if (raw == String.class) {
            JsonElement parsed = JsonParser.parseString(eventJson);
            return parsed.isJsonPrimitive() && parsed.getAsJsonPrimitive().isString() ? parsed.getAsString() : eventJson;
        }
        if (raw == Object.class || Map.class.isAssignableFrom(raw) || JsonElement.class.isAssignableFrom(raw)) {
            return gson.fromJson(eventJson, raw == Object.class ? Object.class : eventType);
        }
        return gson.fromJson(eventJson, eventType);
    }
}
