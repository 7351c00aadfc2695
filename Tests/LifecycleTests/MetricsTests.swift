import Lifecycle
import Testing

@Suite("Prometheus metrics")
struct MetricsTests {
    @Test("counters, gauges, histograms and collectors render in the text format")
    func render() async {
        let registry = MetricsRegistry()
        let counter = registry.counter("jobs_total", help: "Jobs.", labelNames: ["outcome"])
        counter.increment(["delivered"])
        counter.increment(["delivered"], by: 2)
        counter.increment(["failed \"x\""])
        registry.gauge("queue_depth", help: "Depth.").set(7)
        let histogram = registry.histogram("latency_seconds", help: "Latency.", buckets: [0.1, 1])
        histogram.observe(0.05)
        histogram.observe(0.5)
        histogram.observe(5)
        registry.addCollector { [.gauge("process_resident_memory_bytes", help: "RSS.", value: 1024)] }
        let text = await registry.render()
        #expect(text.contains("# TYPE jobs_total counter\n"))
        #expect(text.contains("jobs_total{outcome=\"delivered\"} 3\n"))
        #expect(text.contains("jobs_total{outcome=\"failed \\\"x\\\"\"} 1\n"))
        #expect(text.contains("queue_depth 7\n"))
        #expect(text.contains("latency_seconds_bucket{le=\"0.1\"} 1\n"))
        #expect(text.contains("latency_seconds_bucket{le=\"1\"} 2\n"))
        #expect(text.contains("latency_seconds_bucket{le=\"+Inf\"} 3\n"))
        #expect(text.contains("latency_seconds_count 3\n"))
        #expect(text.contains("process_resident_memory_bytes 1024\n"))
    }

    @Test("this process reports a plausible RSS")
    func rss() {
        #expect(ProcessMetrics.residentMemoryBytes() > 1 << 20)
    }
}
