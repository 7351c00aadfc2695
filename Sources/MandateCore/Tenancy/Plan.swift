/// A subscription plan of the catalog.
public struct Plan: Sendable, Equatable {
    public var id: String
    public var name: String
    /// Higher ranks are bigger plans; moving to a lower rank is a downgrade.
    public var rank: Int
    public let features: Set<Feature>
    /// The feature names in order, made once (responses list them on every request).
    public let featureNames: [String]

    public init(id: String, name: String, rank: Int, features: Set<Feature>) {
        self.id = id
        self.name = name
        self.rank = rank
        self.features = features
        featureNames = features.map(\.rawValue).sorted()
    }

    public func includes(_ feature: Feature) -> Bool { features.contains(feature) }
}
