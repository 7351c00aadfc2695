/// A subscription plan of the catalog.
public struct Plan: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// Higher ranks are bigger plans; moving to a lower rank is a downgrade.
    public var rank: Int
    public var features: Set<Feature>

    public init(id: String, name: String, rank: Int, features: Set<Feature>) {
        self.id = id
        self.name = name
        self.rank = rank
        self.features = features
    }

    public func includes(_ feature: Feature) -> Bool { features.contains(feature) }
}
