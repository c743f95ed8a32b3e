package io.courier.core.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

/**
 * Records what one class logs, at every level, instead of writing it to the console (Logback, the tests' SLF4J
 * backend). Close it after the test: the logger gets its level and the console back.
 */
final class LogEvents extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final Logger logger;
    private final Level level;
    private final ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();

    LogEvents(Class<?> loggingClass) {
        this.logger = (Logger) LoggerFactory.getLogger(loggingClass);
        this.level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false);
        logger.addAppender(this);
        start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing(); // takes the MDC of the logging thread now
        events.add(event);
    }

    List<ILoggingEvent> at(Level atLevel) {
        return matching(e -> e.getLevel() == atLevel);
    }

    List<ILoggingEvent> matching(Predicate<ILoggingEvent> filter) {
        return events.stream().filter(filter).toList();
    }

    static boolean hasStackTrace(ILoggingEvent event) {
        return event.getThrowableProxy() != null;
    }

    static Map<String, String> mdc(ILoggingEvent event) {
        return event.getMDCPropertyMap();
    }

    @Override
    public void close() {
        stop();
        logger.detachAppender(this);
        logger.setAdditive(true);
        logger.setLevel(level);
    }
}
