/** Small building blocks every feature uses, such as identifier generation. */
@NullMarked
package dev.ferry.shared;

import org.jspecify.annotations.NullMarked;
