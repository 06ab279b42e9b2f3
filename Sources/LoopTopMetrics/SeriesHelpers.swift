import Prometheus

/// A fully qualified `looptop_…` name with its unit and HELP text.
func looptopName(_ metric: String, unit: String = "", help: String) -> MetricNameDescriptor {
    MetricNameDescriptor(namespace: "looptop", metricName: metric, unitName: unit, helpText: help)
}

/// A counter set from a cumulative figure the snapshot holds. swift-prometheus
/// counters only go up, so this adds the difference; a figure that went down
/// (statistics reset, a restarted source) resets the counter first, which
/// Prometheus' `rate()` reads as a restart.
struct CumulativeCounter {
    let counter: Counter
    private var last = 0.0

    init(_ counter: Counter) { self.counter = counter }

    mutating func set(_ value: Double) {
        // swift-prometheus traps on a negative or NaN increment: never hand it one.
        guard value.isFinite, value >= 0 else { return }
        if value < last {
            counter.reset()
            last = 0
        }
        let delta = value - last
        if delta > 0 {
            if value == value.rounded(), delta == delta.rounded(), delta < 9e15 {
                counter.increment(by: Int64(delta))
            } else {
                counter.increment(by: delta)
            }
        }
        last = value
    }

    mutating func set(_ value: UInt64) { set(Double(value)) }
}

extension Gauge {
    /// Sets a figure, as 0 when it is not a number (the text format would need NaN spelled its own way).
    func show(_ value: Double) { set(to: value.isFinite ? value : 0) }
    func show(_ value: Int) { set(to: Double(value)) }
    func show(_ flag: Bool) { set(to: flag ? 1 : 0) }
}
