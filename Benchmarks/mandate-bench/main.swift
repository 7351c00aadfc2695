import Foundation
import HTTPServer
import Lifecycle

let loops = Int(ProcessInfo.processInfo.environment["LOOPS"] ?? "") ?? HTTPServerConfiguration.coreCount
let router = Router<BasicRequestContext>()
router.get("/healthz") { _, _ in .text("ok\n") }
let server = HTTPServer(
    configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 8099, eventLoopCount: loops),
    responder: router.makeResponder(), logger: Logger(label: "http"))
try await ServiceGroup(services: [server], logger: Logger(label: "main")).run()
