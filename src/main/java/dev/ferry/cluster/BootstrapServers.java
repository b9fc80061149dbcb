package dev.ferry.cluster;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the syntax of a broker list, {@code host:port[,host:port...]}: the Java client accepts any text and then
 * never connects, so a typo would show only as a cluster that stays unreachable. A {@code PROTOCOL://} prefix is
 * tolerated, as the Java client tolerates it. Names are not resolved here: DNS may be down for a moment.
 */
final class BootstrapServers {

    private static final Pattern PREFIX = Pattern.compile("^[A-Za-z_]+://");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?]");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern ENTRY = Pattern.compile("(\\[[^]]*]|[^:]*):([^:]*)");

    private BootstrapServers() {
    }

    /** @throws InvalidClusterProperties saying which entry is wrong and how to write it */
    static void check(String property, String value) {
        if (value.isBlank()) {
            throw bad(property, value, "give the brokers as host:port, e.g. broker-1:9092,broker-2:9092");
        }
        for (String raw : value.split(",", -1)) {
            String entry = PREFIX.matcher(raw.strip()).replaceFirst("");
            if (entry.isEmpty()) {
                throw bad(property, value, "it has an empty entry; separate host:port pairs with single commas");
            }
            Matcher parts = ENTRY.matcher(entry);
            if (!parts.matches()) {
                throw bad(property, value, entry.indexOf(':') < 0 && isHost(entry)
                        ? "'%s' has no port: write it as host:port, e.g. %s:9092".formatted(entry, entry)
                        : "'%s' is not host:port: write each broker as host:port (an IPv6 address in brackets,"
                                .formatted(entry) + " [::1]:9092), separated by commas");
            }
            if (!isHost(parts.group(1))) {
                throw bad(property, value, ("'%s' is not a host name or IP address: write each broker as host:port,"
                        + " e.g. broker-1:9092").formatted(parts.group(1)));
            }
            String port = parts.group(2);
            if (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw bad(property, value,
                        "the port '%s' of '%s' is not a number from 1 to 65535".formatted(port, entry));
            }
        }
    }

    private static boolean isHost(String host) {
        if (host.startsWith("[")) {
            return IPV6.matcher(host).matches();
        }
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static InvalidClusterProperties bad(String property, String value, String hint) {
        return InvalidClusterProperties.badValue(property, value, hint);
    }
}
