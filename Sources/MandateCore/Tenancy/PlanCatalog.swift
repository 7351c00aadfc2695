public import Foundation

/// The plans a deployment sells, loaded from `Fixtures/plans.json` at start and validated.
///
/// A catalog with an unknown feature name, a duplicate id or rank, or no `free` plan is refused
/// with a message naming the problem: better a clear start-up error than a tenant silently
/// losing (or gaining) enforcement.
public struct PlanCatalog: Sendable {
    /// The plan every lapsed tenant falls back to.
    public static let fallbackPlanID = "free"

    /// Plans by ascending rank.
    public let plans: [Plan]

    public init(plans: [Plan]) throws(CoreError) {
        var ids = Set<String>()
        var ranks = Set<Int>()
        for plan in plans {
            guard !plan.id.isEmpty, plan.id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw CoreError.invalid("plans", "plan id '\(plan.id)' must be letters, digits, '-' or '_'.")
            }
            guard ids.insert(plan.id).inserted else {
                throw CoreError.invalid("plans", "plan id '\(plan.id)' appears twice.")
            }
            guard ranks.insert(plan.rank).inserted else {
                throw CoreError.invalid(
                    "plans", "rank \(plan.rank) is used by two plans; ranks order plans and must differ.")
            }
        }
        guard ids.contains(Self.fallbackPlanID) else {
            throw CoreError.invalid(
                "plans", "the catalog needs a '\(Self.fallbackPlanID)' plan for lapsed subscriptions.")
        }
        self.plans = plans.sorted { $0.rank < $1.rank }
    }

    /// Parses and validates the JSON catalog: `{"plans": [{"id", "name", "rank", "features": [...]}]}`.
    public init(json: Data, source: String = "plans.json") throws(CoreError) {
        struct File: Decodable {
            struct Entry: Decodable {
                var id: String
                var name: String
                var rank: Int
                var features: [String]
            }
            var plans: [Entry]
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: json)
        } catch {
            throw CoreError.invalid("plans", "\(source) is not a valid plan catalog: \(error)")
        }
        var plans: [Plan] = []
        for entry in file.plans {
            var features = Set<Feature>()
            for name in entry.features {
                guard let feature = Feature(rawValue: name) else {
                    let known = Feature.allCases.map(\.rawValue).joined(separator: ", ")
                    throw CoreError.invalid(
                        "plans",
                        "\(source): plan '\(entry.id)' lists unknown feature '\(name)'. Known features: \(known).")
                }
                guard features.insert(feature).inserted else {
                    throw CoreError.invalid("plans", "\(source): plan '\(entry.id)' lists '\(name)' twice.")
                }
            }
            plans.append(Plan(id: entry.id, name: entry.name, rank: entry.rank, features: features))
        }
        do {
            try self.init(plans: plans)
        } catch {
            throw CoreError.invalid("plans", "\(source): \(error.message)")
        }
    }

    /// Reads the catalog from a file.
    public static func load(from url: URL) throws(CoreError) -> PlanCatalog {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CoreError.invalid(
                "plans", "cannot read the plan catalog at \(url.path): \(error.localizedDescription)")
        }
        return try PlanCatalog(json: data, source: url.path)
    }

    public func plan(_ id: String) -> Plan? { plans.first { $0.id == id } }

    /// The fallback plan (validated to exist).
    public var fallback: Plan { plan(Self.fallbackPlanID)! }
}
