package isola;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * java.util.logging records → log frames with their level: SEVERE error,
 * WARNING warn, INFO info, CONFIG and below debug. The root logger's
 * console handler is replaced by this one (Bootstrap).
 */
final class LevelHandler extends Handler {
    private final Channel channel;
    private final Formatter messages = new SimpleFormatter();

    LevelHandler(Channel channel) {
        this.channel = channel;
        setLevel(Level.ALL);
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) return;
        int v = record.getLevel().intValue();
        String level = v >= Level.SEVERE.intValue() ? "error" : v >= Level.WARNING.intValue() ? "warn" : v >= Level.INFO.intValue() ? "info" : "debug";
        String text = messages.formatMessage(record);
        if (record.getThrown() != null) text = text + " " + record.getThrown();
        channel.sendLog(level, text, record.getMillis());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
