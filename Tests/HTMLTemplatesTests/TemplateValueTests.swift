import HTMLTemplates
import Testing

@Suite("TemplateValue")
struct TemplateValueTests {
    @Test func literalsBuildTheMatchingCases() {
        let value: TemplateValue = [
            "name": "Ada", "admin": true, "age": 36, "score": 9.5, "tags": ["a", "b"], "nothing": nil,
            "greeting": "Hi \("Ada")",
        ]
        let expected: TemplateValue = .object([
            "name": .string("Ada"), "admin": .bool(true), "age": .int(36), "score": .double(9.5),
            "tags": .list([.string("a"), .string("b")]), "nothing": .null, "greeting": .string("Hi Ada"),
        ])
        #expect(value == expected)
        #expect(value["name"] == "Ada")
        #expect(value["missing"] == nil)
        #expect(TemplateValue.string("x")["name"] == nil)
    }

    @Test func truthinessFollowsMustache() {
        #expect(!TemplateValue.bool(false).isTruthy)
        #expect(!TemplateValue.null.isTruthy)
        #expect(!TemplateValue.list([]).isTruthy)
        #expect(!TemplateValue.string("").isTruthy)
        #expect(TemplateValue.int(0).isTruthy)
        #expect(TemplateValue.double(0).isTruthy)
        #expect(TemplateValue.object([:]).isTruthy)
        #expect(TemplateValue.list([.null]).isTruthy)
        #expect(TemplateValue.string(" ").isTruthy)
    }

    @Test func numbersRenderLikeMustacheImplementations() throws {
        let template = try Template(source: "{{a}} {{b}} {{c}} {{d}} {{e}}", name: "numbers")
        let output = template.render(["a": 1.0, "b": 1.210, "c": -0.5, "d": 1e20, "e": .int(Int.min)])
        #expect(output == "1 1.21 -0.5 1e+20 \(Int.min)")
    }
}
