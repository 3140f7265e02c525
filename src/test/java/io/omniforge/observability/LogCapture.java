package io.omniforge.observability;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Captures the log records of the running application in memory, with the MDC each was logged with (copied on the
 * logging thread, as a real handler would see it). Bounded: past {@link #MAX} records the oldest are dropped.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    static final int MAX = 20_000;

    /** One captured line: what a log reader would see of it. */
    public record Line(String logger, Level level, String thread, String message, Map<String, String> mdc, String thrown) {

        /** Everything of the line as text: message, MDC values and the stack trace with its messages. */
        public String all() {
            return message + " " + mdc + " " + thrown;
        }
    }

    private final ConcurrentLinkedQueue<Line> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    private LogCapture() {
        setLevel(Level.ALL);
    }

    /** Starts capturing every record that reaches the root logger. */
    public static LogCapture install() {
        LogCapture capture = new LogCapture();
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        ExtLogRecord ext = ExtLogRecord.wrap(record);
        String thrown = "";
        if (record.getThrown() != null) {
            StringWriter out = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(out));
            thrown = out.toString();
        }
        lines.add(new Line(record.getLoggerName(), record.getLevel(), ext.getThreadName(), ext.getFormattedMessage(),
                Map.copyOf(ext.getMdcCopy()), thrown));
        if (size.incrementAndGet() > MAX) {
            lines.poll();
            size.decrementAndGet();
        }
    }

    public List<Line> lines() {
        return new ArrayList<>(lines);
    }

    public List<Line> containing(String text) {
        return lines().stream().filter(l -> l.message().contains(text)).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
