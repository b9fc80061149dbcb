package dev.ferry.web;

import java.io.IOException;

import org.springframework.util.unit.DataSize;

/** A request body went past its limit while it was read; answered with 413. */
class RequestTooLarge extends IOException {

    private final String setting;
    private final long maxBytes;

    RequestTooLarge(String setting, long maxBytes) {
        super("The request body is larger than %s, the most Ferry accepts here (%s); send less, or raise the limit."
                .formatted(readable(maxBytes), setting));
        this.setting = setting;
        this.maxBytes = maxBytes;
    }

    String setting() {
        return setting;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** "1 MiB", "512 KiB" or "1000 bytes". */
    static String readable(long bytes) {
        DataSize size = DataSize.ofBytes(bytes);
        if (bytes % (1024 * 1024) == 0) {
            return size.toMegabytes() + " MiB";
        }
        if (bytes % 1024 == 0) {
            return size.toKilobytes() + " KiB";
        }
        return bytes + " bytes";
    }

    /** The limit a failure ran into, wherever in its causes it is. */
    static RequestTooLarge in(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RequestTooLarge tooLarge) {
                return tooLarge;
            }
        }
        return null;
    }
}
