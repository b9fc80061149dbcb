package dev.ferry.restate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** An invocation id names itself to an SDK as the 16 bytes of its ULID; other ids as their UTF-8 bytes. */
class InvocationIdentityTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aFerryIdIsItsUlidsSixteenBytes() {
        // the ULID specification's example: 01ARZ3NDEKTSV4RRFFQ69G5FAV
        assertThat(HEX.formatHex(InvocationIdentity.of("inv_01arz3ndektsv4rrffq69g5fav").id()))
                .isEqualTo("01563e3ab5d3d6764c61efb99302bd5b");
        assertThat(HEX.formatHex(InvocationIdentity.of("inv_7zzzzzzzzzzzzzzzzzzzzzzzzz").id()))
                .isEqualTo("ffffffffffffffffffffffffffffffff");
        assertThat(HEX.formatHex(InvocationIdentity.of("inv_00000000000000000000000001").id()))
                .isEqualTo("00000000000000000000000000000001");
    }

    @Test
    void anyOtherIdIsItsUtf8Bytes() {
        for (String id : new String[] {"inv_8zzzzzzzzzzzzzzzzzzzzzzzzz", "inv_01ARZ3NDEKTSV4RRFFQ69G5FAV",
                "inv_01arz3ndektsv4rrffq69g5fa", "inv_01arz3ndektsv4rrffq69g5fai", "call-1"}) {
            assertThat(InvocationIdentity.of(id).id()).isEqualTo(id.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theSeedIsTheSameForEveryAttemptAndDiffersBetweenInvocations() {
        long seed = InvocationIdentity.of("inv_01arz3ndektsv4rrffq69g5fav").randomSeed();
        // the first 8 bytes of the SHA-256 of the id's bytes: what every earlier attempt was given
        assertThat(seed).isEqualTo(-6263568689262630493L);
        assertThat(InvocationIdentity.of("inv_01arz3ndektsv4rrffq69g5fav").randomSeed()).isEqualTo(seed);
        assertThat(InvocationIdentity.of("inv_01arz3ndektsv4rrffq69g5faw").randomSeed()).isNotEqualTo(seed);
    }
}
