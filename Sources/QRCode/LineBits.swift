/// One row or column of up to 192 modules packed into bits: module `i` is bit `i % 64` of word `i / 64`, set when
/// dark. Whole lines are then compared with a handful of word operations instead of module by module.
struct LineBits: Equatable {
    /// The most modules a line holds; a version-40 symbol is 177 wide.
    static let capacity = 192

    private var low: UInt64 = 0
    private var middle: UInt64 = 0
    private var high: UInt64 = 0

    /// All bits clear.
    init() {}

    /// Bits `0..<count` set, the rest clear.
    init(ones count: Int) {
        func word(_ bits: Int) -> UInt64 {
            bits >= 64 ? ~0 : bits <= 0 ? 0 : (UInt64(1) &<< UInt64(bits)) &- 1
        }
        self.init(word(count), word(count - 64), word(count - 128))
    }

    /// Bits from up to three words, the lowest first; further words are ignored.
    init(words: [UInt64]) {
        self.init(
            words.count > 0 ? words[0] : 0, words.count > 1 ? words[1] : 0, words.count > 2 ? words[2] : 0)
    }

    private init(_ low: UInt64, _ middle: UInt64, _ high: UInt64) {
        self.low = low
        self.middle = middle
        self.high = high
    }

    /// Bit `index`; indices outside `0..<capacity` read as clear and ignore writes.
    subscript(index: Int) -> Bool {
        get {
            guard index >= 0, index < Self.capacity else { return false }
            let bit = UInt64(1) &<< UInt64(index & 63)
            switch index >> 6 {
            case 0: return low & bit != 0
            case 1: return middle & bit != 0
            default: return high & bit != 0
            }
        }
        set {
            guard index >= 0, index < Self.capacity else { return }
            let bit = UInt64(1) &<< UInt64(index & 63)
            switch index >> 6 {
            case 0: low = newValue ? low | bit : low & ~bit
            case 1: middle = newValue ? middle | bit : middle & ~bit
            default: high = newValue ? high | bit : high & ~bit
            }
        }
    }

    /// The number of set bits.
    var nonzeroBitCount: Int { low.nonzeroBitCount + middle.nonzeroBitCount + high.nonzeroBitCount }

    static func & (lhs: Self, rhs: Self) -> Self {
        Self(lhs.low & rhs.low, lhs.middle & rhs.middle, lhs.high & rhs.high)
    }

    static func | (lhs: Self, rhs: Self) -> Self {
        Self(lhs.low | rhs.low, lhs.middle | rhs.middle, lhs.high | rhs.high)
    }

    static func ^ (lhs: Self, rhs: Self) -> Self {
        Self(lhs.low ^ rhs.low, lhs.middle ^ rhs.middle, lhs.high ^ rhs.high)
    }

    static prefix func ~ (value: Self) -> Self {
        Self(~value.low, ~value.middle, ~value.high)
    }

    /// Bit `i` of the result is bit `i + count` of `value`: the line moves towards index 0, clear bits come in at
    /// the far end. `count` is 1 to 63.
    static func >> (value: Self, count: Int) -> Self {
        let shift = UInt64(min(max(count, 1), 63))
        let back = 64 - shift
        return Self(
            (value.low &>> shift) | (value.middle &<< back),
            (value.middle &>> shift) | (value.high &<< back),
            value.high &>> shift)
    }

    /// Bit `i` of the result is bit `i - count` of `value`: the line moves away from index 0, clear bits come in
    /// at index 0. `count` is 1 to 63.
    static func << (value: Self, count: Int) -> Self {
        let shift = UInt64(min(max(count, 1), 63))
        let back = 64 - shift
        return Self(
            value.low &<< shift,
            (value.middle &<< shift) | (value.low &>> back),
            (value.high &<< shift) | (value.middle &>> back))
    }
}
