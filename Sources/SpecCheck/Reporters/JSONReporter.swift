import SpecModel

/// Machine-readable findings; the schema is versioned (`version`) and documented in README.md.
enum JSONReporter {
    static func render(_ input: ReportInput) -> String {
        var root: [String: JSONValue] = [
            "version": .int(1),
            "environments": .array(input.environments.map { .string($0) }),
            "summary": .object([
                "errors": .int(input.report.errorCount),
                "warnings": .int(input.report.warningCount),
                "waived": .int(input.report.waived.count),
            ]),
            "diagnostics": .array(input.report.diagnostics.map(encode)),
            "waived": .array(input.report.waived.map { w in
                var d = encode(w.diagnostic)
                if case .object(var o) = d {
                    o["waiver"] = .object(["reason": .string(w.waiver.reason.value), "expires": .string(w.waiver.expires.value)])
                    d = .object(o)
                }
                return d
            }),
        ]
        if let b = input.branch {
            root["branch"] = .object(["name": .string(b.branch), "environment": b.environment.map { .string($0) } ?? .null,
                                      "sendMode": b.sendMode.map { .string($0) } ?? .null])
        }
        return JSONValue.object(root).rendered()
    }

    static func encode(_ d: Diagnostic) -> JSONValue {
        .object([
            "rule": .string(d.rule),
            "severity": .string(d.severity.rawValue),
            "file": .string(d.location.file),
            "line": .int(d.location.line),
            "column": .int(d.location.column),
            "message": .string(d.message),
            "hint": d.hint.map { .string($0) } ?? .null,
            "environments": .array(d.environments.map { .string($0) }),
        ])
    }
}
