import SpecModel

/// SARIF 2.1.0, as GitHub code scanning loads it.
enum SARIFReporter {
    static func render(_ input: ReportInput) -> String {
        let rules = RuleCatalogue.all
        let used = Set(input.report.diagnostics.map(\.rule))
        let ruleObjects: [JSONValue] = rules.filter { used.contains($0.id) }.map { r in
            .object([
                "id": .string(r.id),
                "name": .string(r.id),
                "shortDescription": .object(["text": .string(r.summary)]),
                "fullDescription": .object(["text": .string(r.documentation)]),
                "help": .object(["text": .string(r.documentation + " Run `wecare explain \(r.id)` for examples.")]),
                "defaultConfiguration": .object(["level": .string(level(r.severity))]),
                "properties": .object(["tags": .array([.string(r.family)])]),
            ])
        }
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.filter { used.contains($0.id) }.enumerated().map { ($1.id, $0) })
        let results: [JSONValue] = input.report.diagnostics.map { d in
            var message = d.message
            if let hint = d.hint { message += " Hint: \(hint)" }
            var result: [String: JSONValue] = [
                "ruleId": .string(d.rule),
                "level": .string(level(d.severity)),
                "message": .object(["text": .string(message)]),
                "locations": .array([.object([
                    "physicalLocation": .object([
                        "artifactLocation": .object(["uri": .string(d.location.file), "uriBaseId": .string("%SRCROOT%")]),
                        "region": .object(["startLine": .int(d.location.line), "startColumn": .int(d.location.column)]),
                    ]),
                ])]),
                "partialFingerprints": .object(["wecareRuleLocation/v1": .string("\(d.rule):\(d.location.file):\(d.message)")]),
            ]
            if let index = ruleIndex[d.rule] { result["ruleIndex"] = .int(index) }
            return .object(result)
        }
        let run: JSONValue = .object([
            "tool": .object(["driver": .object([
                "name": .string("wecare"),
                "informationUri": .string("https://base.wecare.digital"),
                "semanticVersion": .string(WecareVersion.current),
                "rules": .array(ruleObjects),
            ])]),
            "originalUriBaseIds": .object(["%SRCROOT%": .object(["description": .object(["text": .string("The repository root")])])]),
            "results": .array(results),
        ])
        return JSONValue.object([
            "$schema": .string("https://json.schemastore.org/sarif-2.1.0.json"),
            "version": .string("2.1.0"),
            "runs": .array([run]),
        ]).rendered()
    }

    static func level(_ s: Diagnostic.Severity) -> String {
        switch s {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }
}

public enum WecareVersion {
    public static let current = "0.1.0"
}
