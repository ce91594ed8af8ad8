package dev.walrus.bench.report;

/**
 * One benchmark case's result, keyed {@code Class.method[param=value,...]} (parameters in
 * name order).
 *
 * @param key the case
 * @param score the primary score (ops/s for throughput cases, µs for latency samples)
 * @param error the score's 99.9% confidence half-width (NaN with a single iteration)
 * @param unit JMH's unit for the score
 * @param p50 the median sample (latency cases; NaN otherwise)
 * @param p99 the 99th percentile sample (latency cases; NaN otherwise)
 */
public record Measurement(
    String key, double score, double error, String unit, double p50, double p99) {}
