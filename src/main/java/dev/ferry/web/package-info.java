/**
 * Cross-cutting HTTP concerns shared by every feature: RFC 9457 problem details for errors, the base
 * domain exceptions that map onto them, and the OpenAPI description served by Swagger UI.
 */
package dev.ferry.web;
