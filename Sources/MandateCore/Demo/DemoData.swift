public import Foundation

/// The demo organizations of `Fixtures/demo.json` (`mandate seed`, `mandate serve --demo`).
public struct DemoData: Sendable, Decodable {
    public struct Passwords: Sendable, Decodable {
        public var owner: String
        public var admin: String
        public var member: String
    }

    public struct Organization: Sendable, Decodable {
        public var slug: String
        public var name: String
        public var plan: String
        public var status: String
        public var trialDays: Int?
        public var timeZone: String?
        /// MFA enforcement to switch on after the people are in.
        public var enforcement: Enforcement?
    }

    /// A demo organization's enforcement: org-wide, per user, a group policy, exemptions.
    public struct Enforcement: Sendable, Decodable {
        public var mfaRequired: Bool?
        public var mfaEnrollmentDays: Int?
        public var mfaExpiryAction: String?
        /// Handles of members required one by one.
        public var requiredHandles: [String]?
        /// Handles of members exempted for 30 days.
        public var exemptHandles: [String]?
        public var groupPolicy: GroupPolicy?
    }

    public struct GroupPolicy: Sendable, Decodable {
        public var name: String
        public var groups: [String]
        public var enrollmentDays: Int
    }

    public struct Person: Sendable, Decodable {
        public var name: String
        public var handle: String
        public var status: String
        public var groups: [String]?
        /// A demo authenticator-app secret (base32): the person starts enrolled in every organization.
        public var totpSecret: String?
    }

    public var passwords: Passwords
    public var organizations: [Organization]
    public var groups: [String]
    public var members: [Person]

    public static func load(from url: URL) throws(CoreError) -> DemoData {
        do {
            return try JSONDecoder().decode(DemoData.self, from: Data(contentsOf: url))
        } catch {
            throw CoreError.invalid("demo", "cannot read the demo data at \(url.path): \(error)")
        }
    }
}
