package dev.ferry.testsupport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Watches every log event of this JVM for given strings (secrets that must never be logged): message, arguments,
 * stack traces and MDC. Can lower the level of chosen loggers while it watches, so that DEBUG lines are checked
 * too. Keeps only the events that matched, and a count of all.
 */
public final class LogWatch extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<String> watched;
    private final List<String> hits = new CopyOnWriteArrayList<>();
    private final AtomicLong seen = new AtomicLong();
    private final Map<Logger, Level> previousLevels = new HashMap<>();

    private LogWatch(List<String> watched) {
        this.watched = List.copyOf(watched);
    }

    /**
     * Starts watching the root logger for these strings, with the named loggers set to the given levels (e.g.
     * DEBUG or TRACE). Start it after the application: Spring Boot resets the logging configuration at start-up.
     */
    public static LogWatch start(List<String> watched, Map<String, Level> levels) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogWatch watch = new LogWatch(watched);
        watch.setContext(context);
        watch.setName("secret-watch");
        watch.start();
        levels.forEach((name, level) -> {
            Logger logger = context.getLogger(name);
            watch.previousLevels.put(logger, logger.getLevel());
            logger.setLevel(level);
        });
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(watch);
        return watch;
    }

    @Override
    protected void append(ILoggingEvent event) {
        seen.incrementAndGet();
        StringBuilder text = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
        if (event.getArgumentArray() != null) {
            for (Object argument : event.getArgumentArray()) {
                text.append(' ').append(argument);
            }
        }
        if (event.getThrowableProxy() != null) {
            text.append(' ').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        text.append(' ').append(event.getMDCPropertyMap());
        String line = text.toString();
        for (String secret : watched) {
            if (line.contains(secret)) {
                hits.add(line.length() > 2000 ? line.substring(0, 2000) : line);
            }
        }
    }

    /** The log lines that contained a watched string. */
    public List<String> hits() {
        return new ArrayList<>(hits);
    }

    /** How many log events were checked. */
    public long seen() {
        return seen.get();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) getContext();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        previousLevels.forEach(Logger::setLevel);
        stop();
    }
}
