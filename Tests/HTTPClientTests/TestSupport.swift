import HTTPClient

/// Runs `request` and returns its error, or `nil` if it succeeded.
func failure(of request: HTTPClientRequest, on client: HTTPClient) async -> HTTPClientError? {
    do {
        _ = try await client.execute(request)
        return nil
    } catch {
        return error
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
func eventually(within timeout: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// A configuration with short timeouts so failing tests end quickly.
func quickConfiguration(maximumConcurrentRequests: Int = 4) -> HTTPClient.Configuration {
    HTTPClient.Configuration(
        connectTimeout: .seconds(5), totalTimeout: .seconds(30),
        maximumConcurrentRequests: maximumConcurrentRequests)
}
