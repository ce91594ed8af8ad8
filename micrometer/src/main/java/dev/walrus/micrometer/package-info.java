/**
 * Micrometer metrics for Walrus: {@link dev.walrus.micrometer.WalrusMeterBinder} for an
 * engine instance and {@link dev.walrus.micrometer.BusMeterBinder} for the traffic of a
 * Vert.x event-bus binding. The names, types, units and tags are in {@code
 * docs/METRICS.md}.
 */
package dev.walrus.micrometer;
