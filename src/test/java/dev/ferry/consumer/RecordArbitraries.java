package dev.ferry.consumer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import dev.ferry.invocation.RecordHeader;

/** Random record parts for property tests, weighted towards what PostgreSQL and handlers find hard. */
final class RecordArbitraries {

    private RecordArbitraries() {
    }

    /** Keys: null, empty, short text, text with NUL, invalid UTF-8, and keys around and far over the limit. */
    static Arbitrary<byte[]> keys() {
        return Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.just(new byte[0]),
                Arbitraries.strings().ofMaxLength(20).map(RecordArbitraries::utf8),
                Arbitraries.strings().ofMaxLength(10).map(text -> utf8(text + "\0" + text)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.integers().between(1000, 1100).map(n -> utf8("k".repeat(n))),
                Arbitraries.integers().between(2500, 6000).map(n -> utf8(incompressible(n))));
    }

    /** Values: null, empty, JSON, not JSON, any bytes. */
    static Arbitrary<byte[]> values() {
        return Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.just(new byte[0]),
                Arbitraries.integers().map(n -> utf8("{\"n\":" + n + "}")),
                Arbitraries.strings().ofMaxLength(30).map(RecordArbitraries::utf8),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64));
    }

    /** Headers: names with NUL, long names, duplicates, any values including null. */
    static Arbitrary<List<RecordHeader>> headers() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.of("trace", "trace", "content-type"),
                Arbitraries.strings().ofMaxLength(12),
                Arbitraries.strings().ofMaxLength(5).map(name -> name + "\0"),
                Arbitraries.integers().between(250, 300).map("h"::repeat));
        Arbitrary<byte[]> values = Arbitraries.oneOf(Arbitraries.just(null),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(16));
        return Combinators.combine(names, values).as(RecordHeader::new).list().ofMaxSize(5);
    }

    /** Timestamps: any long, with the edges (none, the epoch, year 10000, the extremes) weighted in. */
    static Arbitrary<Long> timestamps() {
        return Arbitraries.oneOf(
                Arbitraries.of(-1L, 0L, Long.MIN_VALUE, Long.MAX_VALUE, 253_402_300_799_999L, 253_402_300_800_000L,
                        -62_135_596_800_001L),
                Arbitraries.longs(),
                Arbitraries.longs().between(0, 2_000_000_000_000L));
    }

    /** Text that PostgreSQL cannot compress below the size of an index entry. */
    static String incompressible(int length) {
        Random random = new Random(length);
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            text.append((char) ('!' + random.nextInt(94)));
        }
        return text.toString();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
