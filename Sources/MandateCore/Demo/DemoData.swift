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
    }

    public struct Person: Sendable, Decodable {
        public var name: String
        public var handle: String
        public var status: String
        public var groups: [String]?
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
