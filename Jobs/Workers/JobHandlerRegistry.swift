/// The handlers a worker knows, by kind.
public struct JobHandlerRegistry: Sendable {
    private let handlersByKind: [String: any JobHandler]
    /// The handlers that observe their jobs' end, looked up once here instead of per job.
    private let finishObserversByKind: [String: any JobFinishObserver]

    /// Registers `handlers`.
    ///
    /// - Throws: ``JobQueueError`` with reason `invalidConfiguration` when two handlers claim the
    ///   same kind (which one should run would be a guess).
    public init(_ handlers: [any JobHandler]) throws(JobQueueError) {
        var byKind: [String: any JobHandler] = [:]
        for handler in handlers {
            guard byKind[handler.kind] == nil else {
                throw JobQueueError(.invalidConfiguration, "two handlers are registered for kind '\(handler.kind)'")
            }
            byKind[handler.kind] = handler
        }
        handlersByKind = byKind
        finishObserversByKind = byKind.compactMapValues { $0 as? any JobFinishObserver }
    }

    /// A registry without handlers (for operations that finish no job through a handler).
    public static let empty = JobHandlerRegistry(validated: [:])

    private init(validated handlersByKind: [String: any JobHandler]) {
        self.handlersByKind = handlersByKind
        finishObserversByKind = [:]
    }

    /// The handler for `kind`, if any.
    public subscript(kind: String) -> (any JobHandler)? {
        handlersByKind[kind]
    }

    /// The finish observer for `kind`, if its handler is one.
    func finishObserver(for kind: String) -> (any JobFinishObserver)? {
        finishObserversByKind[kind]
    }

    /// The registered kinds, sorted (for error messages).
    public var kinds: [String] {
        handlersByKind.keys.sorted()
    }
}
