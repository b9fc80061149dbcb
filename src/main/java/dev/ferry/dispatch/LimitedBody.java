package dev.ferry.dispatch;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read up to a limit: once more than {@code limit} bytes arrived, the subscription is
 * cancelled (the JDK client then closes the connection instead of reading the rest) and the body is what
 * arrived up to the limit. So a handler answering 50 MB costs at most the limit of heap, not 50 MB.
 */
final class LimitedBody implements BodySubscriber<LimitedBody.Bytes> {

    /** The first bytes of a body; {@code truncated} when the body was longer than the limit. */
    record Bytes(byte[] bytes, boolean truncated) {
    }

    private final int limit;
    private final ByteArrayOutputStream received;
    private final CompletableFuture<Bytes> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    LimitedBody(long limit) {
        this.limit = (int) Math.max(0, Math.min(limit, Integer.MAX_VALUE - 8));
        this.received = new ByteArrayOutputStream(Math.min(this.limit, 8192));
    }

    @Override
    public CompletionStage<Bytes> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            int room = limit - received.size();
            int take = Math.min(room, buffer.remaining());
            byte[] chunk = new byte[take];
            buffer.get(chunk);
            received.writeBytes(chunk);
            if (buffer.hasRemaining()) {
                subscription.cancel();
                body.complete(new Bytes(received.toByteArray(), true));
                return;
            }
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        body.complete(new Bytes(received.toByteArray(), false));
    }
}
