package dev.ferry.web;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Holds request bodies to {@link ApiProperties}: a declared {@code Content-Length} over the limit is refused
 * at once, and a chunked body is cut off the moment it passes the limit, so that no request makes Ferry hold
 * more than the limit in memory. Both answer 413 with a problem that names the limit and its setting.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class RequestSizeFilter extends OncePerRequestFilter {

    private final ApiProperties properties;

    RequestSizeFilter(ApiProperties properties) {
        this.properties = properties;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        RequestTooLarge limit = limit(request);
        if (request.getContentLengthLong() > limit.maxBytes()) {
            Problems.write(response, problem(limit));
            return;
        }
        chain.doFilter(new Limited(request, limit), response);
    }

    private RequestTooLarge limit(HttpServletRequest request) {
        String path = RequestPaths.routed(request);
        boolean rpc = path.startsWith("/call/") || path.startsWith("/send/");
        return rpc ? new RequestTooLarge("ferry.api.max-rpc-request-size", properties.maxRpcRequestSize().toBytes())
                : new RequestTooLarge("ferry.api.max-request-size", properties.maxRequestSize().toBytes());
    }

    static Map<String, Object> problem(RequestTooLarge limit) {
        Map<String, Object> problem = Problems.of(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                "request-too-large", "Request too large", limit.getMessage());
        problem.put("max_bytes", limit.maxBytes());
        return problem;
    }

    /** The request with a body that stops at the limit. */
    private static final class Limited extends HttpServletRequestWrapper {

        private final RequestTooLarge limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, RequestTooLarge limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class Counting extends ServletInputStream {

        private final ServletInputStream in;
        private final RequestTooLarge limit;
        private long read;

        Counting(ServletInputStream in, RequestTooLarge limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > limit.maxBytes()) {
                throw new RequestTooLarge(limit.setting(), limit.maxBytes());
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
