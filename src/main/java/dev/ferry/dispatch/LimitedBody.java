package dev.ferry.dispatch;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

/**
 * One answer read up to a limit, fed by Jetty's response listeners one at a time: once more than the limit arrived,
 * the response is aborted (Jetty then closes the connection instead of reading the rest) and the body is what
 * arrived up to the limit. So a handler answering 50 MB costs at most the limit of heap, not 50 MB. A 2xx body is
 * read up to the result limit, any other up to the (smaller) limit of an error's excerpt.
 */
final class LimitedBody {

    /** The first bytes of a body; {@code truncated} when the body was longer than the limit. */
    record Bytes(byte[] bytes, boolean truncated) {
    }

    /** An answer's status, the headers Ferry reads, and its body up to the limit. */
    record Answer(int status, String contentType, String retryAfter, Bytes body) {
    }

    private final CompletableFuture<Answer> answer = new CompletableFuture<>();
    private final long resultLimit;
    private final long errorLimit;
    private int limit;
    private ByteArrayOutputStream received = new ByteArrayOutputStream(0);
    private int status;
    private String contentType;
    private String retryAfter;

    LimitedBody(long resultLimit, long errorLimit) {
        this.resultLimit = resultLimit;
        this.errorLimit = errorLimit;
    }

    /** Completes with the answer, or exceptionally with the failure that left none (timeout, I/O error). */
    CompletableFuture<Answer> answer() {
        return answer;
    }

    void onHeaders(Response response) {
        status = response.getStatus();
        contentType = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
        retryAfter = response.getHeaders().get(HttpHeader.RETRY_AFTER);
        boolean success = status >= 200 && status < 300;
        limit = (int) Math.max(0, Math.min(success ? resultLimit : Math.min(resultLimit, errorLimit),
                Integer.MAX_VALUE - 8));
        received = new ByteArrayOutputStream(Math.min(limit, 8192));
    }

    void onContent(Response response, ByteBuffer content) {
        if (answer.isDone()) {
            return;
        }
        int take = Math.min(limit - received.size(), content.remaining());
        byte[] chunk = new byte[take];
        content.get(chunk);
        received.writeBytes(chunk);
        if (content.hasRemaining()) {
            answer.complete(new Answer(status, contentType, retryAfter, new Bytes(received.toByteArray(), true)));
            response.abort(new CancellationException("the answer is longer than Ferry reads of it"));
        }
    }

    void onComplete(Result result) {
        if (answer.isDone()) {
            return;
        }
        // a handler may answer before it read the whole request and close the connection: its answer still counts
        if (status != 0 && result.getResponseFailure() == null) {
            answer.complete(new Answer(status, contentType, retryAfter, new Bytes(received.toByteArray(), false)));
        } else {
            answer.completeExceptionally(result.getFailure());
        }
    }
}
