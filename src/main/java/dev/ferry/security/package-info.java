/**
 * Keeps Ferry's doors shut and its secrets secret: the bearer token that guards the admin and RPC API, and
 * the AES-GCM cipher that stores secret cluster properties encrypted at rest, with keys that can rotate.
 */
package dev.ferry.security;
