package dev.ferry.dispatch;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Object state of plain HTTP handlers.
 *
 * @param maxSize the most one object's state may hold (names and JSON values together), and so one value too; an
 *                answer that would go over it fails the invocation as {@code state-too-large} and changes nothing
 */
@ConfigurationProperties("ferry.state")
@Validated
public record StateProperties(@DefaultValue("1MB") @NotNull DataSize maxSize) {
}
