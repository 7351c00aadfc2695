import Synchronization

/// Counters keyed by label values.
public final class CounterFamily: MetricFamily {
    let name: String
    let help: String
    let labelNames: [String]
    private let values = Mutex<[[String]: Double]>([:])

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    /// Adds `amount` to the counter with these label values (in `labelNames` order).
    public func increment(_ labelValues: [String] = [], by amount: Double = 1) {
        values.withLock { $0[labelValues, default: 0] += amount }
    }

    /// The current value, for tests and status pages.
    public func value(_ labelValues: [String] = []) -> Double {
        values.withLock { $0[labelValues] ?? 0 }
    }

    func render(into out: inout String) {
        PrometheusText.header(name: name, help: help, type: "counter", into: &out)
        let snapshot = values.withLock { $0 }
        for key in snapshot.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            PrometheusText.sample(
                name: name, labels: Array(zip(labelNames, key)), value: snapshot[key]!, into: &out)
        }
    }
}

/// Gauges keyed by label values.
public final class GaugeFamily: MetricFamily {
    let name: String
    let help: String
    let labelNames: [String]
    private let values = Mutex<[[String]: Double]>([:])

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    public func set(_ value: Double, _ labelValues: [String] = []) {
        values.withLock { $0[labelValues] = value }
    }

    public func add(_ delta: Double, _ labelValues: [String] = []) {
        values.withLock { $0[labelValues, default: 0] += delta }
    }

    public func value(_ labelValues: [String] = []) -> Double {
        values.withLock { $0[labelValues] ?? 0 }
    }

    func render(into out: inout String) {
        PrometheusText.header(name: name, help: help, type: "gauge", into: &out)
        let snapshot = values.withLock { $0 }
        for key in snapshot.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            PrometheusText.sample(
                name: name, labels: Array(zip(labelNames, key)), value: snapshot[key]!, into: &out)
        }
    }
}

/// Histograms keyed by label values.
public final class HistogramFamily: MetricFamily {
    /// Request-latency buckets in seconds, from 0.5 ms to 10 s.
    public static let latencyBuckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    private struct Series {
        var bucketCounts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    let name: String
    let help: String
    let labelNames: [String]
    let buckets: [Double]
    private let series = Mutex<[[String]: Series]>([:])

    init(name: String, help: String, labelNames: [String], buckets: [Double]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.buckets = buckets.sorted()
    }

    /// Records one observation.
    public func observe(_ value: Double, _ labelValues: [String] = []) {
        // Find the first bucket that holds the value outside the lock; buckets are immutable.
        let bucket = buckets.firstIndex(where: { value <= $0 }) ?? buckets.count
        series.withLock { all in
            var entry = all[labelValues] ?? Series(bucketCounts: Array(repeating: 0, count: buckets.count + 1))
            entry.bucketCounts[bucket] += 1
            entry.sum += value
            entry.count += 1
            all[labelValues] = entry
        }
    }

    /// The number of observations, for tests.
    public func count(_ labelValues: [String] = []) -> UInt64 {
        series.withLock { $0[labelValues]?.count ?? 0 }
    }

    func render(into out: inout String) {
        PrometheusText.header(name: name, help: help, type: "histogram", into: &out)
        let snapshot = series.withLock { $0 }
        for key in snapshot.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let entry = snapshot[key]!
            let labels = Array(zip(labelNames, key))
            var cumulative: UInt64 = 0
            for (index, bound) in buckets.enumerated() {
                cumulative += entry.bucketCounts[index]
                PrometheusText.sample(
                    name: name + "_bucket", labels: labels + [("le", PrometheusText.number(bound))],
                    value: Double(cumulative), into: &out)
            }
            cumulative += entry.bucketCounts[buckets.count]
            PrometheusText.sample(
                name: name + "_bucket", labels: labels + [("le", "+Inf")], value: Double(cumulative), into: &out)
            PrometheusText.sample(name: name + "_sum", labels: labels, value: entry.sum, into: &out)
            PrometheusText.sample(name: name + "_count", labels: labels, value: Double(entry.count), into: &out)
        }
    }
}
