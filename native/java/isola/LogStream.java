package isola;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** System.out / System.err: each complete line becomes a log frame of the current request. */
final class LogStream extends OutputStream {
    private static final int LINE_CUT = Channel.LINE_CUT;
    private final Channel channel;
    private final String level;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean cutting;

    LogStream(Channel channel, String level) {
        this.channel = channel;
        this.level = level;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            if (!cutting) sendLine();
            cutting = false;
            pending.reset();
            return;
        }
        if (cutting) return;
        pending.write(b);
        // A line over the cut is sent at once, cut; the rest of it, up to its end, is dropped.
        if (pending.size() > LINE_CUT) {
            sendLine();
            pending.reset();
            cutting = true;
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) write(b[i]);
    }

    /**
     * PrintStream flushes after every write, mid-line too: a line ends at its newline only, or
     * at the end of an invocation (finish()).
     */
    @Override
    public void flush() {
    }

    /** Sends what is pending (the end of an invocation or of the init: a last line without its newline). */
    synchronized void finish() {
        if (pending.size() > 0 && !cutting) sendLine();
        pending.reset();
        cutting = false;
    }

    private void sendLine() {
        channel.sendLog(level, new String(pending.toByteArray(), StandardCharsets.UTF_8), System.currentTimeMillis());
    }
}
