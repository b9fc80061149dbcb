/** Small building blocks every feature uses, such as identifier generation. */
package dev.ferry.shared;
