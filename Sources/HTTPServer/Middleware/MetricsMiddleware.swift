public import Lifecycle

/// Counts requests by route, method and status, and records latency by route.
public struct MetricsMiddleware<Context: RequestContext>: Middleware {
    private let requests: CounterFamily
    private let duration: HistogramFamily

    public init(registry: MetricsRegistry) {
        requests = registry.counter(
            "http_requests_total", help: "HTTP requests answered, by route pattern, method and status.",
            labelNames: ["route", "method", "status"])
        duration = registry.histogram(
            "http_request_duration_seconds", help: "Time from a complete request to its response, by route.",
            labelNames: ["route"])
    }

    public func handle(_ request: HTTPRequest, context: Context, next: RouteHandler<Context>) async throws
        -> HTTPResponse
    {
        let start = MonotonicTime.nanoseconds()
        let response = try await next(request, context)
        let elapsed = Double(MonotonicTime.nanoseconds() - start) / 1e9
        let route = context.route.pattern
        requests.increment([route, request.method.rawValue, String(response.status.code)])
        duration.observe(elapsed, [route])
        return response
    }
}
