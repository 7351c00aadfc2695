import Foundation
import SQLite
import Storage

extension MFAService {
    /// What another user of the caller's organization has enrolled (owners and admins): their
    /// active factors and unused recovery codes, without any pending enrollment. Another
    /// organization's user, or an unknown id, is not found.
    public func overview(_ principal: Principal, userID: String) async throws(CoreError) -> MFAOverview {
        try principal.requireViewOrganization()
        let tenantID = principal.tenant.id
        return try await environment.read { connection in
            guard let user = try UserStore.find(id: userID, tenantID: tenantID, on: connection) else {
                throw CoreError.notFound("The user")
            }
            return MFAOverview(
                factors: try MFAStore.factors(userID: user.id, on: connection).filter { $0.state == .active },
                pendingSMS: nil,
                recoveryCodesRemaining: try MFAStore.remainingRecoveryCodes(userID: user.id, on: connection))
        }
    }
}
