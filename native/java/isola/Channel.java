package isola;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import com.google.gson.Gson;
import com.google.gson.JsonObject;

/**
 * The private channel to the process executor on fd 3: frames of
 * [u32 BE length][0xc1][UTF-8 JSON] both ways (native/process/channel.ts).
 * Java has no public way to open an inherited descriptor, so the fd field of
 * a FileDescriptor is set by reflection (the JVM runs with
 * --add-opens java.base/java.io=ALL-UNNAMED for exactly this).
 */
final class Channel {
    private static final int MARK = 0xc1;
    /** The per-line log limit (the parent cuts there too). */
    static final int LINE_CUT = 8192;
    private final DataInputStream in;
    private final OutputStream out;
    private final Gson gson;

    Channel(int fd, Gson gson) throws ReflectiveOperationException {
        FileDescriptor desc = new FileDescriptor();
        Field field = FileDescriptor.class.getDeclaredField("fd");
        field.setAccessible(true);
        field.setInt(desc, fd);
        this.in = new DataInputStream(new FileInputStream(desc));
        this.out = new FileOutputStream(desc);
        this.gson = gson;
    }

    /** One frame to the parent; writers on several threads (log lines) do not interleave. */
    synchronized void send(JsonObject msg) {
        byte[] data = gson.toJson(msg).getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[data.length + 5];
        int len = data.length + 1;
        frame[0] = (byte) (len >>> 24);
        frame[1] = (byte) (len >>> 16);
        frame[2] = (byte) (len >>> 8);
        frame[3] = (byte) len;
        frame[4] = (byte) MARK;
        System.arraycopy(data, 0, frame, 5, data.length);
        try {
            out.write(frame);
        } catch (IOException e) {
            Runtime.getRuntime().halt(0); // the parent is gone: nothing to answer to
        }
    }

    /** A log line of the current request at `level` (log, info, warn, error, debug), cut at the spec's 8 KB line limit. */
    void sendLog(String level, String line, long timeMs) {
        JsonObject msg = new JsonObject();
        msg.addProperty("t", "log");
        msg.addProperty("level", level);
        msg.addProperty("msg", line.length() > LINE_CUT ? line.substring(0, LINE_CUT) : line);
        msg.addProperty("time", (double) timeMs);
        send(msg);
    }

    /** The next frame; the process ends when the parent closes the channel. */
    JsonObject receive() throws IOException {
        int len;
        byte[] payload;
        try {
            len = in.readInt();
            payload = new byte[len];
            in.readFully(payload);
        } catch (EOFException e) {
            Runtime.getRuntime().halt(0);
            throw e;
        }
        if (len < 1 || (payload[0] & 0xff) != MARK) throw new IOException("unexpected frame encoding");
        return gson.fromJson(new String(payload, 1, len - 1, StandardCharsets.UTF_8), JsonObject.class);
    }
}
