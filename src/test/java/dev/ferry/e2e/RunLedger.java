package dev.ferry.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.ferry.restate.Frame;
import dev.ferry.restate.JournalEntry;
import dev.ferry.restate.wire.ServiceProtocol.RunCompletionNotificationMessage;
import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * Two accounts of the {@code ctx.run} steps of {@code ledger.mjs}, to hold against each other: the run log the
 * service writes outside the protocol (every real execution, with the token it returned) and the run completions
 * Ferry stored in its journal (the token of the one execution whose result counts). A stored step that ran again
 * shows as an execution logged after the stored one.
 */
final class RunLedger {

    /** The message type of {@code RunCompletionNotificationMessage} in the service protocol. */
    private static final int RUN_COMPLETION = 0x8011;

    private final Path log;
    private final String databaseUrl;

    RunLedger(Path log, String databaseUrl) {
        this.log = log;
        this.databaseUrl = databaseUrl;
    }

    /** Every real execution so far, per invocation id, in the order they ran. */
    Map<String, List<String>> executions() {
        Map<String, List<String>> executions = new LinkedHashMap<>();
        try {
            if (!Files.exists(log)) {
                return executions;
            }
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                String[] parts = line.split(" ");
                if (parts.length == 2) {
                    executions.computeIfAbsent(parts[0], id -> new ArrayList<>()).add(parts[1]);
                }
            }
            return executions;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many executions the run log holds. */
    int executionCount() {
        return executions().values().stream().mapToInt(List::size).sum();
    }

    /** The token of the stored run completion, per invocation id. */
    Map<String, String> storedReceipts() {
        Map<String, String> stored = new HashMap<>();
        EmbeddedDatabase database = TestInfrastructure.database();
        try (Connection connection = DriverManager.getConnection(databaseUrl, database.username(),
                database.password());
             PreparedStatement query = connection.prepareStatement(
                     "select invocation_id, frames from journal_segments");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                for (JournalEntry entry : JournalEntry.ofStoredSegment(rows.getBytes(2))) {
                    if (entry.type() == RUN_COMPLETION) {
                        store(stored, rows.getString(1), RunCompletionNotificationMessage.parseFrom(
                                Frame.parse(entry.frame()).body()));
                    }
                }
            }
            return stored;
        } catch (SQLException | InvalidProtocolBufferException e) {
            throw new IllegalStateException("Could not read the stored run completions", e);
        }
    }

    private static void store(Map<String, String> stored, String invocationId,
            RunCompletionNotificationMessage completion) {
        // the closure returns a string, which the SDK stores as JSON: "<pid>-<n>"
        String json = completion.getValue().getContent().toStringUtf8();
        String previous = stored.put(invocationId, json.substring(1, json.length() - 1));
        if (previous != null) {
            throw new IllegalStateException("Two run completions stored for " + invocationId);
        }
    }

    /**
     * The invocations whose step ran after its result was stored (an execution logged after the stored one), or
     * whose stored result no execution produced: both must be empty.
     */
    List<String> ranAgainAfterStoring() {
        Map<String, List<String>> executions = executions();
        List<String> wrong = new ArrayList<>();
        storedReceipts().forEach((invocation, token) -> {
            List<String> ran = executions.getOrDefault(invocation, List.of());
            if (ran.isEmpty() || !ran.getLast().equals(token)) {
                wrong.add(invocation + " stored " + token + " but ran " + ran);
            }
        });
        return wrong;
    }

    /** The invocations whose step really ran more than once (every execution but the stored one was lost). */
    List<String> ranMoreThanOnce() {
        return executions().entrySet().stream().filter(entry -> entry.getValue().size() > 1)
                .map(Map.Entry::getKey).toList();
    }
}
