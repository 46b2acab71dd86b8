/**
 * An audit trail of who connected: {@link io.github.unixhttp.connector.audit.AuditTrail}, a bean of a connector that
 * writes one JSON line per accepted, refused and closed connection on the logger {@code io.github.unixhttp.audit}
 * (the format: {@code docs/audit.md}).
 */
package io.github.unixhttp.connector.audit;
