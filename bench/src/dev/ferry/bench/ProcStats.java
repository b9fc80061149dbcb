package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of processes, read from {@code /proc}. CPU comes in clock ticks
 * ({@code utime + stime}); a process tree (PostgreSQL's postmaster and its backends) adds the times its exited
 * children left in {@code cutime + cstime}, so backends that come and go are not lost.
 */
final class ProcStats {

    private final long ticksPerSecond;

    ProcStats(long ticksPerSecond) {
        this.ticksPerSecond = ticksPerSecond;
    }

    /** CPU seconds a process has used so far (all its threads), or 0 if it is gone. */
    double cpuSeconds(long pid) {
        long[] stat = stat(pid);
        return stat == null ? 0 : (stat[UTIME] + stat[STIME]) / (double) ticksPerSecond;
    }

    /** CPU seconds of a process, of its exited children, and of its live direct children. */
    double treeCpuSeconds(long root) {
        long ticks = 0;
        long[] rootStat = stat(root);
        if (rootStat != null) {
            ticks += rootStat[UTIME] + rootStat[STIME] + rootStat[CUTIME] + rootStat[CSTIME];
        }
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                long pid = Long.parseLong(process.getFileName().toString());
                long[] stat = pid == root ? null : stat(pid);
                if (stat != null && stat[PPID] == root) {
                    ticks += stat[UTIME] + stat[STIME] + stat[CUTIME] + stat[CSTIME];
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list /proc", e);
        }
        return ticks / (double) ticksPerSecond;
    }

    /** The peak resident set size of a process so far ({@code VmHWM}), in bytes; -1 if unknown. */
    static long peakRss(long pid) {
        return statusBytes(pid, "VmHWM:");
    }

    /** The resident set size of a process now ({@code VmRSS}), in bytes; -1 if unknown. */
    static long rss(long pid) {
        return statusBytes(pid, "VmRSS:");
    }

    private static long statusBytes(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static final int PPID = 0;
    private static final int UTIME = 1;
    private static final int STIME = 2;
    private static final int CUTIME = 3;
    private static final int CSTIME = 4;

    /** ppid, utime, stime, cutime, cstime of a process, or null if it is gone. */
    private static long[] stat(long pid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return null;
        }
        // the command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17
        return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                Long.parseLong(fields[13]), Long.parseLong(fields[14])};
    }
}
