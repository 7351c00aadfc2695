import Synchronization
import Testing

@testable import HTTPClient

@Suite("Connection reuse and concurrency")
struct ConcurrencyTests {
    @Test func sequentialRequestsReuseOneConnection() async throws {
        let server = try ScriptedHTTPServer(answering: ScriptedResponse(body: Array("ok".utf8)))
        let client = HTTPClient(configuration: quickConfiguration(maximumConcurrentRequests: 16))
        defer { client.shutdown() }
        for index in 0..<6 {
            let response = try await client.execute(
                HTTPClientRequest(url: server.url("/seq/\(index)"), body: Array("\(index)".utf8)))
            #expect(response.status == 200)
        }
        #expect(server.requests.count == 6)
        #expect(server.acceptedConnections == 1)
    }

    @Test func manyParallelRequestsShareFewWorkers() async throws {
        let server = try ScriptedHTTPServer { request in
            .respond(ScriptedResponse(body: Array(request.target.utf8) + request.body))
        }
        let client = HTTPClient(configuration: quickConfiguration(maximumConcurrentRequests: 4))
        defer { client.shutdown() }
        let results = try await withThrowingTaskGroup(of: (Int, HTTPClientResponse).self) { group in
            for index in 0..<64 {
                group.addTask {
                    let response = try await client.execute(
                        HTTPClientRequest(url: server.url("/p/\(index)"), body: Array(":\(index * 7)".utf8)))
                    return (index, response)
                }
            }
            var collected: [Int: HTTPClientResponse] = [:]
            for try await (index, response) in group { collected[index] = response }
            return collected
        }
        #expect(results.count == 64)
        for (index, response) in results {
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "/p/\(index):\(index * 7)")
        }
        #expect(server.requests.count == 64)
        #expect(server.mostOpenConnections <= 4)
        #expect(client.dispatcherForTesting.workerThreadCount <= 4)
    }

    @Test func cooperativePoolStaysFreeWhileWorkersBlock() async throws {
        let concurrency = 8
        let server = try ScriptedHTTPServer { _ in .hang }
        let client = HTTPClient(configuration: quickConfiguration(maximumConcurrentRequests: concurrency))
        let hanging = Task {
            await withTaskGroup(of: HTTPClientError.Reason?.self) { group in
                for index in 0..<concurrency {
                    group.addTask {
                        await failure(of: HTTPClientRequest(url: server.url("/h/\(index)")), on: client)?.reason
                    }
                }
                return await group.reduce(into: [HTTPClientError.Reason?]()) { $0.append($1) }
            }
        }
        // Every worker thread is now blocked inside curl_easy_perform.
        #expect(await eventually { server.requests.count == concurrency })

        let start = ContinuousClock.now
        let unrelated = Task {
            await withTaskGroup(of: Int.self) { group in
                for index in 0..<32 {
                    group.addTask {
                        try? await Task.sleep(for: .milliseconds(5))
                        return index
                    }
                }
                return await group.reduce(0, +)
            }
        }
        #expect(await unrelated.value == (0..<32).reduce(0, +))
        // The hanging requests hold their workers for 30 s; the unrelated work finishing well
        // before that shows the cooperative pool was never blocked by them.
        #expect(ContinuousClock.now - start < .seconds(10))

        client.shutdown()
        let reasons = await hanging.value
        #expect(reasons.count == concurrency)
        #expect(reasons.allSatisfy { $0 == .shutdown })
    }

    @Test func shutdownFailsQueuedAndRunningRequests() async throws {
        let server = try ScriptedHTTPServer { _ in .hang }
        let client = HTTPClient(configuration: quickConfiguration(maximumConcurrentRequests: 1))
        let running = Task { await failure(of: HTTPClientRequest(url: server.url("/running")), on: client) }
        #expect(await eventually { server.requests.count == 1 })
        let queued = (0..<3).map { index in
            Task { await failure(of: HTTPClientRequest(url: server.url("/queued/\(index)")), on: client) }
        }
        #expect(await eventually { client.dispatcherForTesting.queuedRequestCount == 3 })

        let start = ContinuousClock.now
        client.shutdown()
        #expect(ContinuousClock.now - start < .seconds(5))
        for task in queued {
            #expect(await task.value?.reason == .shutdown)
        }
        #expect(await running.value?.reason == .shutdown)
        #expect(client.dispatcherForTesting.workerThreadCount == 0)
        #expect(server.requests.count == 1)

        let late = await failure(of: HTTPClientRequest(url: server.url("/late")), on: client)
        #expect(late?.reason == .shutdown)
    }

    @Test func cancellingAQueuedRequestFailsItPromptly() async throws {
        let server = try ScriptedHTTPServer { _ in .hang }
        let client = HTTPClient(configuration: quickConfiguration(maximumConcurrentRequests: 1))
        defer { client.shutdown() }
        let blocker = Task { await failure(of: HTTPClientRequest(url: server.url("/blocker")), on: client) }
        #expect(await eventually { server.requests.count == 1 })
        let queued = Task { await failure(of: HTTPClientRequest(url: server.url("/queued")), on: client) }
        #expect(await eventually { client.dispatcherForTesting.queuedRequestCount == 1 })

        let start = ContinuousClock.now
        queued.cancel()
        #expect(await queued.value?.reason == .cancelled)
        // The blocker holds the only worker for 30 s; a queued request failing long before shows
        // cancellation does not wait for a worker.
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(client.dispatcherForTesting.queuedRequestCount == 0)
        blocker.cancel()
        #expect(await blocker.value?.reason == .cancelled)
    }

    @Test func requestFromCancelledTaskNeverStarts() async throws {
        let server = try ScriptedHTTPServer(answering: ScriptedResponse())
        let client = HTTPClient(configuration: quickConfiguration())
        defer { client.shutdown() }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await failure(of: HTTPClientRequest(url: server.url()), on: client)
        }
        #expect(await task.value?.reason == .cancelled)
        #expect(server.acceptedConnections == 0)
    }
}
