import Synchronization

/// Process metrics rendered in the Prometheus text exposition format (version 0.0.4).
///
/// Families are created once at start-up and updated on hot paths (one uncontended lock each);
/// collectors compute values at scrape time (queue depth, RSS).
public final class MetricsRegistry: Sendable {
    private let families = Mutex<[any MetricFamily]>([])
    private let collectors = Mutex<[@Sendable () async -> [CollectedMetric]]>([])

    public init() {}

    /// A monotonically increasing counter with the given label names.
    public func counter(_ name: String, help: String, labelNames: [String] = []) -> CounterFamily {
        let family = CounterFamily(name: name, help: help, labelNames: labelNames)
        families.withLock { $0.append(family) }
        return family
    }

    /// A value that goes up and down.
    public func gauge(_ name: String, help: String, labelNames: [String] = []) -> GaugeFamily {
        let family = GaugeFamily(name: name, help: help, labelNames: labelNames)
        families.withLock { $0.append(family) }
        return family
    }

    /// A histogram with cumulative buckets (upper bounds in ascending order, `+Inf` added).
    public func histogram(
        _ name: String, help: String, labelNames: [String] = [], buckets: [Double] = HistogramFamily.latencyBuckets
    ) -> HistogramFamily {
        let family = HistogramFamily(name: name, help: help, labelNames: labelNames, buckets: buckets)
        families.withLock { $0.append(family) }
        return family
    }

    /// Adds a callback that produces metrics at scrape time.
    public func addCollector(_ collect: @escaping @Sendable () async -> [CollectedMetric]) {
        collectors.withLock { $0.append(collect) }
    }

    /// Everything, in the Prometheus text format.
    public func render() async -> String {
        var out = ""
        for family in families.withLock({ $0 }) {
            family.render(into: &out)
        }
        for collect in collectors.withLock({ $0 }) {
            for metric in await collect() {
                metric.render(into: &out)
            }
        }
        return out
    }
}

/// A metric computed by a collector at scrape time.
public struct CollectedMetric: Sendable {
    public enum Kind: String, Sendable { case counter, gauge }

    public var name: String
    public var help: String
    public var kind: Kind
    public var samples: [(labels: [(String, String)], value: Double)]

    public init(name: String, help: String, kind: Kind, samples: [(labels: [(String, String)], value: Double)]) {
        self.name = name
        self.help = help
        self.kind = kind
        self.samples = samples
    }

    /// A single unlabelled gauge.
    public static func gauge(_ name: String, help: String, value: Double) -> CollectedMetric {
        CollectedMetric(name: name, help: help, kind: .gauge, samples: [(labels: [], value: value)])
    }

    func render(into out: inout String) {
        PrometheusText.header(name: name, help: help, type: kind.rawValue, into: &out)
        for sample in samples {
            PrometheusText.sample(name: name, labels: sample.labels, value: sample.value, into: &out)
        }
    }
}

protocol MetricFamily: Sendable {
    func render(into out: inout String)
}
