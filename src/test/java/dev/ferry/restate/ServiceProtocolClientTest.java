package dev.ferry.restate;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.ferry.restate.AttemptEnding.Failed;
import dev.ferry.restate.AttemptEnding.Kind;

/** A deployment that cannot be reached is an ending like any other, and the input command is still kept. */
class ServiceProtocolClientTest {

    @ParameterizedTest(name = "http11={0}")
    @ValueSource(booleans = {false, true})
    void aDeploymentThatRefusesTheConnectionIsATransportFailure(boolean http11) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (ServiceProtocolClient client = new ServiceProtocolClient(RestateProperties.defaults())) {
            AttemptResult result = client.invoke(RestateEndpoint.of(URI.create("http://127.0.0.1:" + port), http11),
                    RestateAttemptTest.request(HandlerKind.STATELESS, List.of()), Duration.ofSeconds(5)).join();

            assertThat(result.ending()).isInstanceOfSatisfying(Failed.class, failed -> {
                assertThat(failed.kind()).isEqualTo(Kind.TRANSPORT);
                assertThat(failed.message()).contains("127.0.0.1:" + port);
            });
            assertThat(result.newEntries()).extracting(JournalEntry::typeName).containsExactly("InputCommand");
        }
    }
}
