/**
 * Keeps Ferry's doors shut and its secrets secret: the bearer tokens (or OIDC JWTs) whose roles (admin, ingress,
 * read-only) guard the admin API, the RPC ingress and the metrics through Spring Security,
 * the AES-GCM cipher that stores secret cluster properties encrypted at rest (with key rotation), and the
 * HMAC signature on every call Ferry makes to a handler, so handlers can tell Ferry's calls from anyone else's, and
 * the Ed25519 request identity (a JWT, as restate-server signs) on every request to a Restate SDK deployment.
 */
@NullMarked
package dev.ferry.security;

import org.jspecify.annotations.NullMarked;
