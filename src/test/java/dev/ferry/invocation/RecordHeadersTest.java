package dev.ferry.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class RecordHeadersTest {

    private final RecordHeaders codec = new RecordHeaders(JsonMapper.builder().build());

    @Test
    void writesPairsOfNameAndBase64ValueAsRowsStoredBeforeHoldThem() {
        List<RecordHeader> headers = List.of(new RecordHeader("trace", "abc".getBytes(StandardCharsets.UTF_8)),
                new RecordHeader("empty", new byte[0]), new RecordHeader("none", null));

        String encoded = codec.encode(headers);

        assertThat(encoded).isEqualTo("[[\"trace\",\"YWJj\"],[\"empty\",\"\"],[\"none\",null]]");
        assertThat(codec.decode(encoded)).usingRecursiveFieldByFieldElementComparator().isEqualTo(headers);
    }

    @Test
    void storesNoHeadersAsNull() {
        assertThat(codec.encode(List.of())).isNull();
        assertThat(codec.encode(null)).isNull();
        assertThat(codec.decode(null)).isEmpty();
    }

    @Property(tries = 200)
    void decodesWhatItEncodesInOrderWithDuplicates(@ForAll("headers") List<RecordHeader> headers) {
        List<RecordHeader> decoded = codec.decode(codec.encode(headers));

        assertThat(decoded).usingRecursiveFieldByFieldElementComparator().isEqualTo(headers);
    }

    @Provide
    Arbitrary<List<RecordHeader>> headers() {
        Arbitrary<String> names = Arbitraries.of("a", "b", "trace-id", "ü");
        Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(20).injectNull(0.2);
        return Combinators.combine(names, values).as(RecordHeader::new).list().ofMinSize(1).ofMaxSize(8);
    }
}
