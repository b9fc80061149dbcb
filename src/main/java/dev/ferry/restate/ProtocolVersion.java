package dev.ferry.restate;

import java.util.Optional;

/**
 * The service protocol versions Ferry speaks. Version 6 is the default: what restate-server 1.7 sends and what
 * the TypeScript SDK 1.17 accepts. A deployment's manifest may narrow the range; {@link #negotiate} picks the
 * version for it.
 */
public enum ProtocolVersion {
    V5(5),
    V6(6),
    V7(7);

    /** The version used when a deployment allows it. */
    public static final ProtocolVersion PREFERRED = V6;

    private final int number;

    ProtocolVersion(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** The {@code content-type} and {@code accept} of an invocation request in this version. */
    public String contentType() {
        return "application/vnd.restate.invocation.v" + number;
    }

    /**
     * The version to speak with a deployment whose manifest allows {@code min} to {@code max} (either may be
     * null: not stated): {@link #PREFERRED} if allowed, else the allowed version closest to it; empty when no
     * version Ferry speaks is allowed.
     */
    public static Optional<ProtocolVersion> negotiate(Integer min, Integer max) {
        int low = min == null ? V5.number : min;
        int high = max == null ? V7.number : max;
        if (low <= PREFERRED.number && PREFERRED.number <= high) {
            return Optional.of(PREFERRED);
        }
        ProtocolVersion best = null;
        for (ProtocolVersion version : values()) {
            if (version.number >= low && version.number <= high
                    && (best == null || Math.abs(version.number - PREFERRED.number)
                            < Math.abs(best.number - PREFERRED.number))) {
                best = version;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The version of a content type such as {@code application/vnd.restate.invocation.v6}, if Ferry speaks it. */
    public static Optional<ProtocolVersion> ofContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String bare = contentType.split(";", 2)[0].strip();
        for (ProtocolVersion version : values()) {
            if (version.contentType().equalsIgnoreCase(bare)) {
                return Optional.of(version);
            }
        }
        return Optional.empty();
    }
}
