package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a JVM's CPU goes, by thread: each thread's {@code utime + stime} from {@code /proc/<pid>/task}, grouped
 * by name with the digits taken out ({@code C2 CompilerThread0} and {@code C2 CompilerThread1} are one group), so
 * the JIT compilers, the garbage collector and the application's own threads can be told apart. Threads that
 * ended inside the window left their time to the process only; it shows as the remainder.
 */
final class ThreadProfile {

    private final long ticksPerSecond;

    ThreadProfile(long ticksPerSecond) {
        this.ticksPerSecond = ticksPerSecond;
    }

    /** Each live thread of the process: its id, name and CPU ticks so far. */
    Map<Long, Task> snapshot(long pid) {
        Map<Long, Task> tasks = new HashMap<>();
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : threads) {
                Task task = task(thread);
                if (task != null) {
                    tasks.put(Long.parseLong(thread.getFileName().toString()), task);
                }
            }
        } catch (IOException e) {
            // the process is gone: nothing to profile
        }
        return tasks;
    }

    /**
     * CPU seconds per thread group between two snapshots, largest first, with the process's total beside it;
     * the lines are written to {@code file}, and the first {@code summary} groups come back as one line.
     */
    String write(Path file, Map<Long, Task> before, Map<Long, Task> after, double processSeconds, long records,
            int summary) {
        Map<String, Double> groups = new TreeMap<>();
        double threads = 0;
        for (Map.Entry<Long, Task> entry : after.entrySet()) {
            Task earlier = before.get(entry.getKey());
            long ticks = entry.getValue().ticks() - (earlier == null ? 0 : earlier.ticks());
            double seconds = ticks / (double) ticksPerSecond;
            threads += seconds;
            groups.merge(entry.getValue().group(), seconds, Double::sum);
        }
        groups.merge("(threads that ended)", Math.max(0, processSeconds - threads), Double::sum);
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "CPU by thread: %.2f s over %,d records", processSeconds, records));
        lines.add(String.format(Locale.ROOT, "%8s %10s %12s  %s", "share %", "seconds", "ms/record", "threads"));
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, Double> group : sorted) {
            double share = processSeconds <= 0 ? 0 : 100 * group.getValue() / processSeconds;
            if (group.getValue() <= 0) {
                continue;
            }
            lines.add(String.format(Locale.ROOT, "%8.1f %10.2f %12.4f  %s", share, group.getValue(),
                    records <= 0 ? 0 : 1000 * group.getValue() / records, group.getKey()));
            if (summary-- > 0) {
                line.append(line.isEmpty() ? "" : ", ")
                        .append(String.format(Locale.ROOT, "%s %.0f%%", group.getKey(), share));
            }
        }
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            System.err.println("Cannot write " + file + ": " + e.getMessage());
        }
        return line.toString();
    }

    private static Task task(Path thread) {
        try {
            String comm = Files.readString(thread.resolve("comm")).strip();
            String stat = Files.readString(thread.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new Task(comm, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** One thread: its name as the kernel keeps it (15 characters at most) and its CPU ticks. */
    record Task(String name, long ticks) {

        String group() {
            return name.replaceAll("[0-9]+", "#").strip();
        }
    }
}
