import Prometheus

/// One Prometheus histogram kept from a whole-run hdrhistogram (µs) that the
/// engine hands over in each snapshot.
///
/// swift-prometheus's histograms count observations as they come; we get a
/// cumulative distribution instead. So each update records the observations
/// added since the previous one: for every hdrhistogram bucket whose count
/// grew, its median value, as many times as it grew. Bucket counts are then
/// exact up to the hdrhistogram's resolution (two significant digits: a value
/// within 1 % of a bound may land on either side), and `_sum` is within 1 %.
/// Done once a second and at each scrape, so an update records about a
/// second's samples (the lag probe's 1000 a second, the requests, the jobs).
///
/// A distribution that shrank (the user reset the statistics) starts the
/// series again from zero, which Prometheus reads as a counter reset.
final class CumulativeHistogram {
    /// Bucket bounds in seconds: 100 µs to 10 s, about 2.5x apart.
    static let bounds: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                   0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    let registry: PrometheusCollectorRegistry
    let descriptor: MetricNameDescriptor
    private var series: ValueHistogram
    private var previous: HDRHistogram?

    /// `name` is without the `looptop_` namespace and the `_seconds` unit.
    init(registry: PrometheusCollectorRegistry, name: String, help: String) {
        self.registry = registry
        descriptor = MetricNameDescriptor(namespace: "looptop", metricName: name, unitName: "seconds", helpText: help)
        series = registry.makeValueHistogram(descriptor: descriptor, labels: [], buckets: Self.bounds)
    }

    /// Brings the series up to `current` (µs). Returns the observations recorded.
    @discardableResult
    func update(to current: HDRHistogram) -> UInt64 {
        if let previous, previous.totalCount == current.totalCount, previous == current { return 0 }
        var added: [(micros: UInt64, count: UInt64)] = []
        var shrank = false
        if let previous {
            for step in current.recordedValues() {
                let before = UInt64(previous.countForValue(step.value))
                let now = UInt64(step.count)
                if now < before { shrank = true; break }
                if now > before { added.append((current.medianEquivalentForValue(step.value), now - before)) }
            }
            if !shrank, current.totalCount < previous.totalCount { shrank = true }
        }
        if previous == nil || shrank {
            if previous != nil {
                registry.unregisterValueHistogram(series)
                series = registry.makeValueHistogram(descriptor: descriptor, labels: [], buckets: Self.bounds)
            }
            added = current.recordedValues().map { (current.medianEquivalentForValue($0.value), UInt64($0.count)) }
        }
        previous = current
        var recorded: UInt64 = 0
        for (micros, count) in added {
            let seconds = Double(micros) / 1e6
            for _ in 0..<count { series.record(seconds) }
            recorded += count
        }
        return recorded
    }
}
