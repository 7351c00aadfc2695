import Foundation
import SQLite
import Storage

/// What the dashboard shows administrators about the messages sent to one user: delivery records
/// only (recipient, status, error code, times), never a message's text, which `messages` does not
/// hold (a one-time code lives only in its job's payload, SECURITY.md).
public struct MessageHistoryService: Sendable {
    /// How many messages a history shows by default.
    public static let defaultLimit = 20

    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// The newest SMS messages sent to the user `userID` of the caller's organization (owners and
    /// admins). Another organization's user, or an unknown id, is not found.
    public func smsHistory(_ principal: Principal, userID: String, limit: Int = defaultLimit)
        async throws(CoreError) -> [Message]
    {
        try principal.requireViewOrganization()
        let tenantID = principal.tenant.id
        return try await environment.read { connection in
            guard try UserStore.find(id: userID, tenantID: tenantID, on: connection) != nil else {
                throw CoreError.notFound("The user")
            }
            return try MessageStore.listForUser(
                tenantID: tenantID, userID: userID, channel: .sms, limit: limit, on: connection)
        }
    }
}
