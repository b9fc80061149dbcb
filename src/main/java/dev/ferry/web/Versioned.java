package dev.ferry.web;

import org.springframework.http.ResponseEntity;

/**
 * A resource's view with the version of its stored row, which goes out as the {@code ETag} header.
 *
 * @param <T> the wire type of the resource
 */
public record Versioned<T>(T value, long version) {

    /** The entity tag of this version: the version number in quotes, as HTTP writes a strong tag. */
    public String entityTag() {
        return EntityTags.of(version);
    }

    /** A 200 response with the view as its body and the version as its {@code ETag}. */
    public ResponseEntity<T> ok() {
        return ResponseEntity.ok().eTag(entityTag()).body(value);
    }
}
