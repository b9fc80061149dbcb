package dev.ferry.service;

import java.util.Locale;

/** How Ferry talks to a service's handlers. */
public enum ServiceProtocol {
    /** Plain HTTP: {@code POST {endpoint}/{service}/[{key}/]{handler}} with the record as the body. */
    HTTP,
    /** The Restate service protocol, spoken with a Restate SDK deployment ({@code POST {uri}/invoke/...}). */
    RESTATE;

    /**
     * The oldest version of the Restate service protocol Ferry speaks; a deployment whose manifest needs a newer
     * one than {@link #RESTATE_MAX_VERSION}, or only older ones than this, is refused at registration.
     */
    public static final int RESTATE_MIN_VERSION = 5;
    /** The newest version of the Restate service protocol Ferry speaks. */
    public static final int RESTATE_MAX_VERSION = 7;

    /** The spelling on the wire and in the database: {@code http} or {@code restate}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ServiceProtocol ofWireName(String name) {
        return name == null ? HTTP : valueOf(name.toUpperCase(Locale.ROOT));
    }
}
