import Crypto
import Testing

@Suite("constantTimeEquals")
struct ConstantTimeTests {
    @Test("Equal, unequal and different-length inputs")
    func constantTime() {
        #expect(constantTimeEquals([], []))
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!constantTimeEquals([1, 2], [1, 2, 3]))
        #expect(!constantTimeEquals([], [0]))
        #expect(!constantTimeEquals([0], []))
        #expect(constantTimeEquals("123456", "123456"))
        #expect(!constantTimeEquals("123456", "123457"))
        #expect(!constantTimeEquals("é", "e"))
    }
}
