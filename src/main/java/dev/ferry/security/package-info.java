/**
 * Keeps Ferry's secrets secret: its security settings, and the AES-GCM cipher that stores secret cluster
 * properties encrypted at rest, with keys that can rotate.
 */
package dev.ferry.security;
