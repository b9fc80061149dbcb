package dev.ferry.web;

import java.net.URI;
import java.util.stream.Collectors;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns every error into an RFC 9457 problem. Domain exceptions carry their own type, title and
 * detail; framework errors (unreadable JSON, failed validation) are rewritten so the detail says what
 * to fix without echoing payloads or stack traces. Every problem also repeats its detail as
 * {@code message}, the one field Restate's CLI reads from an error, so its users see what to fix too.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final JsonMapper json;

    ProblemHandler(JsonMapper json) {
        this.json = json;
    }

    @ExceptionHandler(FerryException.class)
    @ApiResponse(responseCode = "4XX", description = "Refused; the problem's detail says what to change",
            content = @Content(mediaType = "application/problem+json",
                    schema = @Schema(implementation = ProblemDetail.class)))
    ResponseEntity<ProblemDetail> on(FerryException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.detail());
        problem.setType(e.type());
        problem.setTitle(e.title());
        e.fields().forEach(problem::setProperty);
        return ResponseEntity.status(e.status()).body(withMessage(problem));
    }

    @ExceptionHandler(OptimisticLockingFailureException.class)
    ResponseEntity<ProblemDetail> on(OptimisticLockingFailureException e) {
        return on(StaleVersion.concurrent());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> on(MethodArgumentTypeMismatchException e) {
        return on(InvalidRequest.of(e.getName(), "Parameter '%s' must be %s.".formatted(e.getName(),
                UnreadableBodies.expected(e.getRequiredType()))));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        RequestTooLarge tooLarge = RequestTooLarge.in(e);
        if (tooLarge != null) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                    tooLarge.getMessage());
            problem.setType(URI.create("https://ferry.dev/problems/request-too-large"));
            problem.setTitle("Request too large");
            problem.setProperty("max_bytes", tooLarge.maxBytes());
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(withMessage(problem));
        }
        UnreadableBodies.Explanation explanation = UnreadableBodies.explain(e, json);
        ResponseEntity<Object> response = problem(HttpStatus.BAD_REQUEST, explanation.detail());
        if (explanation.field() != null && response.getBody() instanceof ProblemDetail problem) {
            problem.setProperty("field", explanation.field());
        }
        return response;
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = e.getBindingResult().getFieldErrors().stream()
                .map(error -> "'%s' %s".formatted(error.getField(), error.getDefaultMessage()))
                .collect(Collectors.joining("; "));
        return problem(HttpStatus.BAD_REQUEST, detail.isEmpty() ? "The request is invalid." : detail + ".");
    }

    @ExceptionHandler(Exception.class)
    @ApiResponse(responseCode = "500", description = "Ferry failed; its log says why",
            content = @Content(mediaType = "application/problem+json",
                    schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "Ferry cannot reach its database; try again after Retry-After",
            content = @Content(mediaType = "application/problem+json",
                    schema = @Schema(implementation = ProblemDetail.class)))
    ResponseEntity<ProblemDetail> onUnexpected(Exception e) {
        if (DatabaseOutage.causedBy(e)) {
            log.warn("Answered 503: the database is unreachable ({})",
                    NestedExceptionUtils.getMostSpecificCause(e).getMessage());
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                    "Ferry cannot reach its database right now; nothing was changed. Try again in a few seconds.");
            problem.setType(URI.create("https://ferry.dev/problems/database-unavailable"));
            problem.setTitle("Database unavailable");
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(DatabaseOutage.RETRY_AFTER_SECONDS))
                    .body(withMessage(problem));
        }
        log.error("Unexpected error while handling a request", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "Ferry could not complete the request because of an internal error; nothing was changed"
                        + " unless the response said so. See Ferry's log for details.");
        problem.setTitle("Internal error");
        return ResponseEntity.internalServerError().body(withMessage(problem));
    }

    /** Problems Spring MVC makes itself (unknown path, wrong method, ...) get a {@code message} too. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
            WebRequest request) {
        return super.createResponseEntity(body instanceof ProblemDetail problem ? withMessage(problem) : body, headers,
                statusCode, request);
    }

    private static ProblemDetail withMessage(ProblemDetail problem) {
        if (problem.getDetail() != null) {
            problem.setProperty("message", problem.getDetail());
        }
        return problem;
    }

    private static ResponseEntity<Object> problem(HttpStatus status, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle("Invalid request");
        problem.setType(URI.create("https://ferry.dev/problems/invalid-request"));
        return ResponseEntity.status(status).body(withMessage(problem));
    }
}
