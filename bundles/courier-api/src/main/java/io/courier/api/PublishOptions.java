package io.courier.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of one publish: an immutable value, built with {@link #builder()}. Invalid values are refused
 * by the builder with an {@link IllegalArgumentException} that says which value and why.
 */
public final class PublishOptions {

    public static final int MIN_PRIORITY = 1;
    public static final int MAX_PRIORITY = 9;
    public static final int DEFAULT_PRIORITY = 5;
    public static final String DEFAULT_MIME_TYPE = "application/json";
    /** The longest id, correlation id, in-reply-to or external client id accepted. */
    public static final int MAX_ID_LENGTH = 200;

    private static final PublishOptions DEFAULTS = builder().build();

    private final int priority;
    private final Duration expiration;
    private final String correlationId;
    private final String inReplyTo;
    private final String extClientId;
    private final String mimeType;
    private final String msgId;

    private PublishOptions(Builder b) {
        this.priority = b.priority;
        this.expiration = b.expiration;
        this.correlationId = b.correlationId;
        this.inReplyTo = b.inReplyTo;
        this.extClientId = b.extClientId;
        this.mimeType = b.mimeType;
        this.msgId = b.msgId;
    }

    public static PublishOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** 1 (lowest) to 9 (highest), 5 by default. */
    public int priority() {
        return priority;
    }

    /** How long after publication the message stops being delivered; empty: never. */
    public Optional<Duration> expiration() {
        return Optional.ofNullable(expiration);
    }

    /** Empty: the publishing service's current correlation id, or a new one. */
    public Optional<String> correlationId() {
        return Optional.ofNullable(correlationId);
    }

    public Optional<String> inReplyTo() {
        return Optional.ofNullable(inReplyTo);
    }

    public Optional<String> extClientId() {
        return Optional.ofNullable(extClientId);
    }

    public String mimeType() {
        return mimeType;
    }

    /** A message id chosen by the caller; it must not be in use by a stored message. Empty: generated. */
    public Optional<String> msgId() {
        return Optional.ofNullable(msgId);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.priority = priority;
        b.expiration = expiration;
        b.correlationId = correlationId;
        b.inReplyTo = inReplyTo;
        b.extClientId = extClientId;
        b.mimeType = mimeType;
        b.msgId = msgId;
        return b;
    }

    @Override
    public String toString() {
        return "PublishOptions[priority=" + priority + ", expiration=" + expiration + ", correlationId="
                + correlationId + ", inReplyTo=" + inReplyTo + ", extClientId=" + extClientId + ", mimeType="
                + mimeType + ", msgId=" + msgId + "]";
    }

    /** Builds {@link PublishOptions}; each setter checks its value at once. */
    public static final class Builder {
        private int priority = DEFAULT_PRIORITY;
        private Duration expiration;
        private String correlationId;
        private String inReplyTo;
        private String extClientId;
        private String mimeType = DEFAULT_MIME_TYPE;
        private String msgId;

        private Builder() {
        }

        public Builder priority(int priority) {
            if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
                throw new IllegalArgumentException(
                        "priority must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY + ", not " + priority);
            }
            this.priority = priority;
            return this;
        }

        /** @param expiration a positive duration, or null for a message that never expires */
        public Builder expiration(Duration expiration) {
            if (expiration != null && (expiration.isNegative() || expiration.isZero())) {
                throw new IllegalArgumentException("expiration must be positive, not " + expiration);
            }
            this.expiration = expiration;
            return this;
        }

        public Builder correlationId(String correlationId) {
            this.correlationId = Checks.id("correlation id", correlationId);
            return this;
        }

        public Builder inReplyTo(String inReplyTo) {
            this.inReplyTo = Checks.id("in-reply-to", inReplyTo);
            return this;
        }

        public Builder extClientId(String extClientId) {
            this.extClientId = Checks.id("external client id", extClientId);
            return this;
        }

        public Builder mimeType(String mimeType) {
            Objects.requireNonNull(mimeType, "mime type");
            if (mimeType.isBlank() || mimeType.length() > MAX_ID_LENGTH || mimeType.indexOf('/') < 1) {
                throw new IllegalArgumentException("mime type must look like type/subtype, not '" + mimeType + "'");
            }
            this.mimeType = mimeType;
            return this;
        }

        public Builder msgId(String msgId) {
            this.msgId = Checks.id("message id", msgId);
            return this;
        }

        public PublishOptions build() {
            return new PublishOptions(this);
        }
    }
}
