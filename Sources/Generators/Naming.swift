/// Identifier spellings the generators share: CloudFormation logical ids and Swift names.
enum Naming {
    /// `bulk-queue` → `BulkQueue`, `AIInteractions` → `AIInteractions`.
    static func pascal(_ s: String) -> String {
        s.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { part in
            part.prefix(1).uppercased() + part.dropFirst()
        }.joined()
    }

    /// `bulk-queue` → `bulkQueue`, `AIInteractions` → `aiInteractions`, `DLQMessages` → `dlqMessages`.
    static func camel(_ s: String) -> String {
        let p = pascal(s)
        let chars = Array(p)
        var upperRun = 0
        while upperRun < chars.count, chars[upperRun].isUppercase { upperRun += 1 }
        let lowered: Int
        switch upperRun {
        case 0: return p
        case 1: lowered = 1
        case chars.count: lowered = chars.count
        default: lowered = upperRun - 1
        }
        let result = String(chars[..<lowered]).lowercased() + String(chars[lowered...])
        return swiftKeywords.contains(result) ? "`\(result)`" : result
    }

    static let swiftKeywords: Set<String> = ["default", "case", "class", "func", "import", "in", "internal", "let", "operator", "private",
                                             "protocol", "public", "return", "static", "struct", "switch", "var", "where", "while", "self", "Type", "is", "as"]
}
