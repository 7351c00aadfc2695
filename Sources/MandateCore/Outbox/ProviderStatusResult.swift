/// What applying a provider callback did.
public enum ProviderStatusResult: Sendable, Hashable {
    /// The status moved forward.
    case applied
    /// The message already has this status or a later one; nothing changed (late or replayed
    /// callback).
    case ignoredStale
    /// No message has this id.
    case unknownMessage
}
