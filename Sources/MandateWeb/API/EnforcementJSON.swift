import Foundation
import HTTPServer
import MandateCore

/// A user's MFA status with everything behind it (`GET /api/v1/me`, a user's admin panel).
struct MFAEnforcementJSON: JSONRepresentable {
    let view: MFAEnforcementView

    func write(to writer: inout JSONWriter) {
        let decision = view.decision
        writer.object { json in
            json.field("canDisableMfa", decision.canDisableMFA)
            json.field("canSkipSetup", decision.canSkipSetup)
            json.field("deadline", decision.deadline)
            json.field("exempt", view.exemptNow)
            json.field("exemptUntil", view.exemptNow ? view.settings.exemptUntil : nil)
            json.field("required", !decision.sources.isEmpty)
            json.key("sources")
            json.array { array in
                for source in decision.sources {
                    array.object { item in
                        item.field("deadline", source.deadline)
                        switch source.kind {
                        case .org: item.field("kind", "org")
                        case .user: item.field("kind", "user")
                        case .group(let id):
                            item.field("kind", "group")
                            item.field("policyId", id)
                        }
                        item.field("start", source.start)
                    }
                }
            }
            json.field("status", decision.status.rawValue)
            json.key("userRequirement")
            json.object { requirement in
                requirement.field("enrollmentDays", view.settings.enrollmentDays)
                requirement.field("required", view.settings.required)
                requirement.field("requiredAt", view.settings.required ? view.settings.requiredAt : nil)
            }
        }
    }
}

/// A user in a list, with their MFA status.
struct ListedUserJSON: JSONRepresentable {
    let user: User
    let mfa: UserMFASummary

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("email", user.email)
            json.field("id", user.id)
            json.field("lastSignInAt", user.lastSignInAt)
            json.key("mfa")
            json.object { status in
                status.field("deadline", mfa.deadline)
                status.field("sources", mfa.sources.map(\.rawValue))
                status.field("status", mfa.status.rawValue)
            }
            json.field("name", user.name)
            json.field("role", user.role.rawValue)
            json.field("status", user.status.rawValue)
        }
    }
}

/// Counts of users per MFA status, every status present.
struct MFAStatusCountsJSON: JSONRepresentable {
    let counts: [MFAStatus: Int]

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.key("counts")
            json.object { object in
                for status in MFAStatus.allCases.sorted(by: { $0.rawValue < $1.rawValue }) {
                    object.field(status.rawValue, counts[status] ?? 0)
                }
            }
            json.field("total", counts.values.reduce(0, +))
        }
    }
}

struct MFAPolicyJSON: JSONRepresentable {
    let policy: MFAPolicy

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("createdAt", policy.createdAt)
            json.field("enabled", policy.enabled)
            json.field("enabledAt", policy.enabledAt)
            json.field("enrollmentDays", policy.enrollmentDays)
            json.field("excludedGroupIds", policy.excludedGroupIDs)
            json.field("id", policy.id)
            json.field("includeAllUsers", policy.includesAllUsers)
            json.field("includedGroupIds", policy.includedGroupIDs)
            json.field("name", policy.name)
            json.field("updatedAt", policy.updatedAt)
        }
    }
}
