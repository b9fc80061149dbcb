package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a run happened on, from {@code /proc}: results only compare on like machines, and the load
 * average tells whether other work was running at the same time.
 *
 * @param processors     processors available ({@code nproc})
 * @param memoryGib      total memory
 * @param cpuModel       the first {@code model name} of {@code /proc/cpuinfo}
 * @param kernel         the kernel release
 * @param java           the runtime Ferry and the helper processes run on
 * @param postgres       the PostgreSQL server version
 * @param loadAverage    the 1-minute load average when the run started
 */
record Machine(int processors, double memoryGib, String cpuModel, String kernel, String java, String postgres,
        double loadAverage) {

    static Machine describe(String java, String postgres) {
        return new Machine(Runtime.getRuntime().availableProcessors(), readMemoryGib(), readCpuModel(),
                read("/proc/sys/kernel/osrelease").strip(), java, postgres, currentLoadAverage());
    }

    /** The 1-minute load average now. */
    static double currentLoadAverage() {
        String text = read("/proc/loadavg");
        return text.isEmpty() ? -1 : Double.parseDouble(text.split(" ")[0]);
    }

    private static double readMemoryGib() {
        for (String line : lines("/proc/meminfo")) {
            if (line.startsWith("MemTotal:")) {
                long kib = Long.parseLong(line.substring(9).replace("kB", "").strip());
                return Math.round(kib / 1024.0 / 1024.0 * 10) / 10.0;
            }
        }
        return -1;
    }

    private static String readCpuModel() {
        for (String line : lines("/proc/cpuinfo")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return "unknown";
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> lines(String path) {
        return read(path).lines().toList();
    }
}
