import SpecModel

enum LambdaRules {
    static let all: [Rule] = [reservedVariable, environmentSize, timeoutRange, memoryRange, requiredVariable, handlerUnknown, handlerNeeds]

    /// Names Lambda sets itself and refuses in a function's configuration.
    static let reservedNames = ["_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
                                "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ"]

    static func isReserved(_ name: String) -> Bool { reservedNames.contains(name) || name.hasPrefix("AWS_LAMBDA_") }

    static let required = ["SEND_MODE", "LOG_LEVEL", "ENVIRONMENT"]

    static let baseFunctions = ExampleBase.files["specs/functions.yaml"]!

    static func functions(worker: String) -> String {
        baseFunctions.replacingOccurrences(of: "  worker:\n    handler: bulk.worker\n    timeout: 120\n    trigger: { queue: work }\n", with: worker)
    }

    static let reservedVariable = Rule(
        id: RuleID.reservedVariable, family: "Lambda", summary: "No reserved environment variable names",
        documentation: "Lambda sets AWS_REGION, AWS_LAMBDA_*, _HANDLER, TZ and the credential variables itself and rejects a function configuration that sets them. Req 18.4 asks to pass AWS_REGION to every function: that is not possible and not needed, since Lambda already provides it; the runtime reads the region from it.",
        failing: [RuleExample("specs/more-functions.yaml", """
        functions:
          sender:
            handler: outbound.whatsapp
            trigger: { invokedBy: [inbound] }
            environment:
              ↓AWS_REGION: { setting: region }
        """)],
        passing: [RuleExample("specs/more-functions.yaml", """
        functions:
          sender:
            handler: outbound.whatsapp
            trigger: { invokedBy: [inbound] }
            environment:
              BEDROCK_REGION: { setting: region }
        """)],
        check: .platform { p in
            p.functions.flatMap { f in
                f.environment.filter { isReserved($0.name.value) }.map { v in
                    let why = v.name.value == "AWS_REGION" ? " (Req 18.4 asks for it, but Lambda sets AWS_REGION itself)" : ""
                    return Diagnostic(RuleID.reservedVariable, v.name.location, "\(v.name.value) is reserved by Lambda and cannot be set on function '\(f.id.value)'\(why)",
                                      hint: "remove it; read the value Lambda provides, or use another name", resource: ResourceID(.function, f.id.value))
                }
            }
        })

    static let environmentSize = Rule(
        id: RuleID.environmentSize, family: "Lambda", summary: "A function's environment fits in 4 KB",
        documentation: "Lambda limits the total size of a function's environment variables (names and values) to 4 KB; a larger configuration fails to deploy. Sizes are computed per environment, after references resolve.",
        failing: [RuleExample("specs/more-functions.yaml", """
        functions:
          ↓sender:
            handler: outbound.whatsapp
            trigger: { invokedBy: [inbound] }
            environment:
              TEMPLATE_1: "\(String(repeating: "x", count: 1500))"
              TEMPLATE_2: "\(String(repeating: "y", count: 1500))"
              TEMPLATE_3: "\(String(repeating: "z", count: 1500))"
        """)],
        passing: [RuleExample("specs/more-functions.yaml", """
        functions:
          sender:
            handler: outbound.whatsapp
            trigger: { invokedBy: [inbound] }
            environment:
              TEMPLATE_1: "\(String(repeating: "x", count: 1000))"
        """)],
        check: .deployment { d in
            d.platform.functions.compactMap { f in
                let size = f.environment.reduce(0) { $0 + $1.name.value.utf8.count + (d.resolve($1.value)?.utf8.count ?? 0) }
                guard size > 4096 else { return nil }
                return Diagnostic(RuleID.environmentSize, f.id.location, "function '\(f.id.value)' has \(size) bytes of environment variables; Lambda allows 4096",
                                  hint: "move large values to SystemConfig or Secrets Manager and pass a reference", resource: ResourceID(.function, f.id.value))
            }
        })

    static let timeoutRange = Rule(
        id: RuleID.timeoutRange, family: "Lambda", summary: "Timeout between 1 and 900 seconds",
        documentation: "Lambda accepts timeouts from 1 to 900 seconds.",
        failing: [RuleExample("specs/functions.yaml", functions(worker: "  worker:\n    handler: bulk.worker\n    timeout: ↓1200\n    trigger: { queue: work }\n"))],
        passing: [RuleExample("specs/functions.yaml", functions(worker: "  worker:\n    handler: bulk.worker\n    timeout: 120\n    trigger: { queue: work }\n"))],
        check: .platform { p in
            p.functions.filter { !(1...900).contains($0.timeout.value) }.map { f in
                Diagnostic(RuleID.timeoutRange, f.timeout.location, "function '\(f.id.value)' has timeout \(f.timeout.value) s; Lambda allows 1–900",
                           hint: "set `timeout:` between 1 and 900 seconds", resource: ResourceID(.function, f.id.value))
            }
        })

    static let memoryRange = Rule(
        id: RuleID.memoryRange, family: "Lambda", summary: "Memory between 128 and 10,240 MB",
        documentation: "Lambda accepts 128 to 10,240 MB of memory.",
        failing: [RuleExample("specs/functions.yaml", functions(worker: "  worker:\n    handler: bulk.worker\n    timeout: 120\n    memory: ↓64\n    trigger: { queue: work }\n"))],
        passing: [RuleExample("specs/functions.yaml", functions(worker: "  worker:\n    handler: bulk.worker\n    timeout: 120\n    memory: 512\n    trigger: { queue: work }\n"))],
        check: .platform { p in
            p.functions.filter { !(128...10_240).contains($0.memory.value) }.map { f in
                Diagnostic(RuleID.memoryRange, f.memory.location, "function '\(f.id.value)' has \(f.memory.value) MB of memory; Lambda allows 128–10240",
                           hint: "set `memory:` between 128 and 10240", resource: ResourceID(.function, f.id.value))
            }
        })

    static let requiredVariable = Rule(
        id: RuleID.requiredVariable, family: "Lambda", summary: "Every function gets SEND_MODE, LOG_LEVEL and ENVIRONMENT from its environment",
        documentation: "Req 18.4: every function receives SEND_MODE, LOG_LEVEL and ENVIRONMENT (usually through `functionDefaults`). SEND_MODE must be `{ setting: sendMode }`, so that the environment, not a literal, decides whether messages leave.",
        failing: [RuleExample("specs/functions.yaml", baseFunctions.replacingOccurrences(of: "    LOG_LEVEL: { setting: logLevel }\n", with: "").replacingOccurrences(of: "  worker:", with: "  ↓worker:"))],
        passing: [RuleExample("specs/functions.yaml", baseFunctions)],
        check: .platform { p in
            p.functions.flatMap { f -> [Diagnostic] in
                var out: [Diagnostic] = []
                let names = f.environment.map(\.name.value)
                let missing = required.filter { !names.contains($0) }
                if !missing.isEmpty {
                    out.append(Diagnostic(RuleID.requiredVariable, f.id.location, "function '\(f.id.value)' lacks \(missing.joined(separator: ", "))",
                                          hint: "add them under `functionDefaults.environment`, e.g. `\(missing[0]): { setting: \(missing[0] == "SEND_MODE" ? "sendMode" : missing[0] == "LOG_LEVEL" ? "logLevel" : "environment") }`",
                                          resource: ResourceID(.function, f.id.value)))
                }
                if let v = f.environment.first(where: { $0.name.value == "SEND_MODE" }) {
                    if case .setting(let s) = v.value, s.value == .sendMode {} else {
                        out.append(Diagnostic(RuleID.requiredVariable, v.value.location, "SEND_MODE of function '\(f.id.value)' must come from the environment",
                                              hint: "write `SEND_MODE: { setting: sendMode }`", resource: ResourceID(.function, f.id.value)))
                    }
                }
                return out
            }
        })

    static let handlers = """
    handlers:
      inbound.whatsapp:
        serves: topic
        needs: [{ table: Messages }, { prefix: incoming }]
      bulk.worker:
        serves: queue

    """

    static let handlerUnknown = Rule(
        id: RuleID.handlerUnknown, family: "Lambda", summary: "Every function runs a declared handler that serves its trigger",
        documentation: "Once the specs declare the runtime's handlers (`handlers:`), a function's `handler` must be one of them, and its trigger must be the kind of event that handler serves (routes, topic, queue, invoke or schedule). Otherwise the function is deployed with code that cannot take its events.",
        failing: [RuleExample("specs/handlers.yaml", handlers.replacingOccurrences(of: "serves: queue", with: "serves: routes")),
                  ExampleBase.edited("specs/functions.yaml", "handler: bulk.worker", "handler: ↓bulk.worker")],
        passing: [RuleExample("specs/handlers.yaml", handlers)],
        check: .platform { p in
            guard !p.handlers.isEmpty else { return [] }
            return p.functions.compactMap { f in
                let resource = ResourceID(.function, f.id.value)
                guard let h = p.handler(f.handler.value) else {
                    var hint = "declared handlers: \(p.handlers.map(\.id.value).sorted().joined(separator: ", "))"
                    if let guess = Spelling.closest(to: f.handler.value, in: p.handlers.map(\.id.value)) { hint = "did you mean '\(guess)'? " + hint }
                    return Diagnostic(RuleID.handlerUnknown, f.handler.location, "function '\(f.id.value)' runs handler '\(f.handler.value)', which the runtime does not declare",
                                      hint: hint, resource: resource)
                }
                guard h.serves.value == f.trigger.serves else {
                    return Diagnostic(RuleID.handlerUnknown, f.handler.location,
                                      "function '\(f.id.value)' is triggered by \(f.trigger.serves.rawValue), but handler '\(h.id.value)' serves \(h.serves.value.rawValue)",
                                      hint: "give the function a \(h.serves.value.rawValue) trigger, or a handler that serves \(f.trigger.serves.rawValue)", resource: resource)
                }
                return nil
            }
        })

    static let handlerNeeds = Rule(
        id: RuleID.handlerNeeds, family: "Lambda", summary: "A function gives its handler every resource the handler reads",
        documentation: "A handler declares the tables, queues, buckets, prefixes and functions its code reads (`needs:`). The generated config hands a function's handler only what the function's environment binds, so a need without a variable would fail the function at its first request, in production. Bind each need to a variable (`CONTACTS_TABLE: { table: Contacts }`) and grant the access it takes.",
        failing: [RuleExample("specs/handlers.yaml", handlers.replacingOccurrences(of: "{ prefix: incoming }]", with: "{ prefix: incoming }, { queue: work-dlq }]")),
                  ExampleBase.edited("specs/functions.yaml", "handler: inbound.whatsapp", "handler: ↓inbound.whatsapp")],
        passing: [RuleExample("specs/handlers.yaml", handlers)],
        check: .platform { p in
            p.functions.flatMap { f -> [Diagnostic] in
                guard let h = p.handler(f.handler.value) else { return [] }
                return h.needs.filter { f.variable(binding: $0) == nil }.map { need in
                    Diagnostic(RuleID.handlerNeeds, f.handler.location,
                               "function '\(f.id.value)' does not give handler '\(h.id.value)' the \(need.id) it reads",
                               hint: "add `\(suggestedVariable(for: need)): { \(need.kind.key): \(need.name.value) }` under its `environment:`, and the access it needs",
                               resource: ResourceID(.function, f.id.value))
                }
            }
        })

    /// A conventional variable name for a need: `{table: AuditLogs}` → AUDIT_LOGS_TABLE, `{queue: bulk-queue}` → BULK_QUEUE_URL.
    static func suggestedVariable(for need: Reference) -> String {
        var words: [String] = []
        var current = ""
        for c in need.name.value {
            if c == "-" || c == "_" || c == "." || (c.isUppercase && !current.isEmpty && !(current.last?.isUppercase ?? false)) {
                if !current.isEmpty { words.append(current) }
                current = c.isLetter || c.isNumber ? String(c) : ""
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { words.append(current) }
        let stem = words.map { $0.uppercased() }.joined(separator: "_")
        switch need.kind {
        case .table: return stem + "_TABLE"
        case .queue: return stem + "_URL"
        case .bucket: return stem + "_BUCKET"
        case .prefix: return stem + "_PREFIX"
        case .function: return stem + "_FUNCTION"
        default: return stem
        }
    }
}

extension String {
    /// Foundation-free replace, for building examples.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
