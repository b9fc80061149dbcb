package dev.ferry.restate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import dev.ferry.restate.wire.ServiceProtocol.SetStateCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.Value;

/**
 * Golden bytes: frames encoded by Ferry compared with bytes worked out by hand from the protocol specification
 * (8-byte header: type, flags, length, big-endian; then protobuf fields in field-number order).
 */
class FrameTest {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    @Test
    void anEndMessageIsAHeaderWithNoBody() {
        assertThat(hex(Frame.of(0x0003, new byte[0]).toBytes())).isEqualTo("00 03 00 00 00 00 00 00");
    }

    @Test
    void aSetStateCommandCarriesItsKeyAndValue() {
        byte[] body = SetStateCommandMessage.newBuilder()
                .setKey(ByteString.copyFromUtf8("a"))
                .setValue(Value.newBuilder()
                        .setContent(ByteString.copyFromUtf8("1")))
                .build().toByteArray();

        // key: field 1, length 1, 'a'; value: field 3, a 3-byte Value whose content (field 1) is '1'
        assertThat(hex(Frame.of(0x0403, body).toBytes())).isEqualTo("04 03 00 00 00 00 00 08 0a 01 61 1a 03 0a 01 31");
    }

    @Test
    void aJournalSegmentIsItsEntriesFramesBackToBack() {
        JournalEntry end = JournalEntry.of(Frame.of(0x0003, new byte[0]));
        JournalEntry set = JournalEntry.of(Frame.of(0x0403, HEX.parseHex("0a 01 61 1a 03 0a 01 31")));

        byte[] segment = JournalEntry.segment(List.of(set, end, set));

        assertThat(hex(segment)).isEqualTo("04 03 00 00 00 00 00 08 0a 01 61 1a 03 0a 01 31"
                + " 00 03 00 00 00 00 00 00 04 03 00 00 00 00 00 08 0a 01 61 1a 03 0a 01 31");
        assertThat(JournalEntry.ofStoredSegment(segment)).containsExactly(set, end, set);
        assertThatThrownBy(() -> JournalEntry.ofStoredSegment(HEX.parseHex("04 03 00 00 00 00 00 08 0a 01")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("says 8 body bytes, 2 are left");
        assertThatThrownBy(() -> JournalEntry.ofStoredSegment(HEX.parseHex("00 03 00 00 00 00 00 00 04 03")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inside a frame header");
    }

    @Test
    void theStartMessageCarriesIdentityKeyStateRetryInfoAndSeed() {
        AttemptRequest request = new AttemptRequest(new InvocationIdentity(new byte[] {1, 2}, "inv_x"), "Account",
                "deposit", HandlerKind.EXCLUSIVE, "k", new byte[0], List.of(), List.of(), Map.of("b", new byte[0]),
                false, new AttemptRequest.RetryInfo(2, Duration.ofMillis(1500)), 7);

        byte[] body = StartRequest.startMessage(request, 1).toByteArray();

        assertThat(hex(Frame.of(0x0000, body).toBytes())).isEqualTo("00 00 00 00 00 00 00 1c"
                + " 0a 02 01 02"                // id
                + " 12 05 69 6e 76 5f 78"       // debug_id "inv_x"
                + " 18 01"                      // known_entries 1
                + " 22 03 0a 01 62"             // state_map: key "b", empty value (a value, not absent)
                + " 32 01 6b"                   // key "k"
                + " 38 02"                      // retry_count_since_last_stored_entry 2
                + " 40 dc 0b"                   // duration_since_last_stored_entry 1500 ms
                + " 48 07");                    // random_seed 7
    }

    @Test
    void aRunProposalWithTheAckFlagIsStoredAsTheRunsCompletionNotification() {
        Frame proposal = Frame.parse(HEX.parseHex("00 05 80 00 00 00 00 05 08 01 72 01 78"));
        assertThat(proposal.flags()).isEqualTo(Frame.REQUESTED_ACK);
        RestateAttempt attempt = RestateAttempt.of(RestateAttemptTest.request(HandlerKind.STATELESS, List.of()));

        attempt.accept(proposal);

        JournalEntry stored = attempt.result().newEntries().get(1);
        // completion_id 1, value (field 5) holding a Value whose content is 'x'; no flags
        assertThat(hex(stored.frame())).isEqualTo("80 11 00 00 00 00 00 07 08 01 2a 03 0a 01 78");
    }

    @Test
    void aFrameWhoseLengthDisagreesWithItsBytesIsRefused() {
        assertThatThrownBy(() -> Frame.parse(HEX.parseHex("04 03 00 00 00 00 00 09 0a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9 body bytes");
    }

    @Test
    void theDecoderRefusesAMessageAboveTheLimitBeforeBufferingIt() {
        FrameDecoder decoder = new FrameDecoder(16, 1024);
        assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(HEX.parseHex("04 01 00 00 00 00 00 11"))))
                .isInstanceOf(FrameDecoder.TooLarge.class).hasMessageContaining("17 bytes");
    }

    @Property(tries = 200)
    void theDecoderFindsTheSameFramesHoweverTheStreamIsCut(@ForAll @Size(max = 6) List<@Size(max = 40) byte[]> bodies,
            @ForAll @IntRange(min = 1, max = 13) int piece) {
        List<Frame> frames = new ArrayList<>();
        ByteBuffer stream = ByteBuffer.allocate(bodies.stream().mapToInt(b -> b.length + 8).sum());
        for (int i = 0; i < bodies.size(); i++) {
            Frame frame = new Frame(0x0400 + i, i % 2 == 0 ? 0 : Frame.REQUESTED_ACK, bodies.get(i));
            frames.add(frame);
            stream.put(frame.toBytes());
        }
        FrameDecoder decoder = new FrameDecoder(64, 4096);
        List<Frame> decoded = new ArrayList<>();
        byte[] all = stream.array();
        for (int at = 0; at < all.length; at += piece) {
            decoded.addAll(decoder.feed(ByteBuffer.wrap(all, at, Math.min(piece, all.length - at))));
        }
        assertThat(decoded).isEqualTo(frames);
        assertThat(decoder.atBoundary()).isTrue();
    }

    private static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}
