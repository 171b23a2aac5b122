import Foundation

/// A small, strict parser for the XML that AWS query and REST-XML services send: elements,
/// attributes, character data, the five predefined entities and character references, CDATA,
/// comments, processing instructions and the XML declaration. UTF-8 only.
///
/// Our own rather than FoundationXML's XMLParser, which links libxml2 and ICU into every binary
/// that uses the client (the Lambda bundle must not need them). A DOCTYPE is refused: AWS never
/// sends one, and without it no entity can expand into anything but a character.
/// Namespace prefixes are kept as part of the name, as XMLParser reported them.
struct XMLTreeParser {
    /// One open element while its content is read.
    private struct Frame {
        var name: String
        var attributes: [String: String]
        var text: [UInt8] = []
        var children: [XMLTree] = []
    }

    private let bytes: [UInt8]
    private var index = 0

    static func parse(_ data: Data) throws(XMLParseError) -> XMLTree {
        var parser = XMLTreeParser(bytes: [UInt8](data))
        return try parser.document()
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    // MARK: - Document

    private mutating func document() throws(XMLParseError) -> XMLTree {
        try checkCharacters()
        if starts(with: [0xEF, 0xBB, 0xBF]) { index += 3 }  // a UTF-8 byte order mark
        if starts(with: "<?xml") && isWhitespace(at: index + 5) {
            try declaration()
        }
        try misc(before: true)
        guard starts(with: "<") else {
            throw failure(index == bytes.count ? "the document has no root element" : "expected the root element")
        }
        let root = try element()
        try misc(before: false)
        guard index == bytes.count else { throw failure("content after the root element") }
        return root
    }

    /// Whitespace, comments and processing instructions around the root element.
    private mutating func misc(before: Bool) throws(XMLParseError) {
        while index < bytes.count {
            if isWhitespace(at: index) {
                index += 1
            } else if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<?") {
                try processingInstruction()
            } else if starts(with: "<!DOCTYPE") {
                throw failure("a DOCTYPE is not accepted")
            } else if before && starts(with: "<") {
                return
            } else {
                throw failure(before ? "text before the root element" : "content after the root element")
            }
        }
    }

    /// `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`: version first, UTF-8 only.
    private mutating func declaration() throws(XMLParseError) {
        let start = index
        index += 5
        var pseudo: [(name: String, value: String, at: Int)] = []
        while true {
            let hadSpace = skipWhitespace()
            if starts(with: "?>") { index += 2; break }
            guard hadSpace else { throw failure("expected whitespace or ?> in the XML declaration") }
            let at = index
            let (name, value) = try attribute()
            pseudo.append((name, value, at))
        }
        guard let version = pseudo.first, version.name == "version" else {
            throw failure("the XML declaration must start with version", at: start)
        }
        guard version.value.hasPrefix("1.") else {
            throw failure("XML version \(version.value) is not supported", at: version.at)
        }
        for item in pseudo.dropFirst() {
            switch item.name {
            case "encoding":
                guard item.value.uppercased() == "UTF-8" else {
                    throw failure("encoding \(item.value) is not supported; only UTF-8 is", at: item.at)
                }
            case "standalone":
                guard item.value == "yes" || item.value == "no" else {
                    throw failure("standalone must be yes or no, not \(item.value)", at: item.at)
                }
            default:
                throw failure("\(item.name) does not belong in the XML declaration", at: item.at)
            }
        }
    }

    // MARK: - Elements

    /// The element starting at `<`, with everything inside it. Iterative, so deep nesting cannot
    /// exhaust the stack.
    private mutating func element() throws(XMLParseError) -> XMLTree {
        var stack: [Frame] = []
        var opened: [Int] = []  // where each open element's start tag began, for errors
        while true {
            guard index < bytes.count else {
                throw failure("the document ends inside <\(stack.last?.name ?? "")>", at: opened.last ?? index)
            }
            guard bytes[index] == UInt8(ascii: "<") else {
                try characterData(into: &stack[stack.count - 1].text)
                continue
            }
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            switch next {
            case UInt8(ascii: "/"):
                let at = index
                index += 2
                let name = try self.name()
                skipWhitespace()
                try expect(">", in: "the end tag </\(name)>")
                guard var frame = stack.popLast() else { throw failure("end tag </\(name)> without a start tag", at: at) }
                opened.removeLast()
                guard frame.name == name else {
                    throw failure("end tag </\(name)> does not match the start tag <\(frame.name)>", at: at)
                }
                let finished = Self.tree(from: &frame)
                guard !stack.isEmpty else { return finished }
                stack[stack.count - 1].children.append(finished)
            case UInt8(ascii: "!"):
                if starts(with: "<!--") {
                    try comment()
                } else if starts(with: "<![CDATA["), !stack.isEmpty {
                    let at = index
                    index += 9
                    guard let end = find("]]>") else { throw failure("unterminated CDATA section", at: at) }
                    appendNormalizingLineEnds(bytes[index..<end], to: &stack[stack.count - 1].text)
                    index = end + 3
                } else {
                    throw failure(starts(with: "<!DOCTYPE") ? "a DOCTYPE is not accepted" : "unexpected markup <!")
                }
            case UInt8(ascii: "?"):
                try processingInstruction()
            default:
                let at = index
                var (frame, isEmpty) = try startTag()
                if isEmpty {
                    let finished = Self.tree(from: &frame)
                    guard !stack.isEmpty else { return finished }
                    stack[stack.count - 1].children.append(finished)
                } else {
                    stack.append(frame)
                    opened.append(at)
                }
            }
        }
    }

    /// `<name attr="value" …>` or `<name … />`.
    private mutating func startTag() throws(XMLParseError) -> (Frame, isEmpty: Bool) {
        index += 1
        let name = try self.name()
        var attributes: [String: String] = [:]
        while true {
            let hadSpace = skipWhitespace()
            if starts(with: "/>") { index += 2; return (Frame(name: name, attributes: attributes), true) }
            if starts(with: ">") { index += 1; return (Frame(name: name, attributes: attributes), false) }
            guard index < bytes.count else { throw failure("the document ends inside the start tag <\(name)>") }
            guard hadSpace else { throw failure("expected whitespace, > or /> in the start tag <\(name)>") }
            let at = index
            let (attribute, value) = try self.attribute()
            guard attributes.updateValue(value, forKey: attribute) == nil else {
                throw failure("attribute \(attribute) appears twice in <\(name)>", at: at)
            }
        }
    }

    /// `name = "value"` or `name='value'`, the value with references decoded and whitespace
    /// normalized to spaces as XML requires.
    private mutating func attribute() throws(XMLParseError) -> (String, String) {
        let name = try self.name()
        skipWhitespace()
        try expect("=", in: "attribute \(name)")
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
            throw failure("the value of attribute \(name) must be quoted")
        }
        let quote = bytes[index]
        index += 1
        var value: [UInt8] = []
        while true {
            guard index < bytes.count else { throw failure("unterminated value of attribute \(name)") }
            let byte = bytes[index]
            switch byte {
            case quote:
                index += 1
                return (name, String(decoding: value, as: UTF8.self))
            case UInt8(ascii: "<"):
                throw failure("< is not allowed in the value of attribute \(name)")
            case UInt8(ascii: "&"):
                try reference(into: &value)
            case UInt8(ascii: "\r"):
                value.append(UInt8(ascii: " "))
                index += starts(with: "\r\n") ? 2 : 1
            case UInt8(ascii: "\n"), UInt8(ascii: "\t"):
                value.append(UInt8(ascii: " "))
                index += 1
            default:
                value.append(byte)
                index += 1
            }
        }
    }

    /// Text up to the next markup, with references decoded and line ends normalized to \n.
    private mutating func characterData(into text: inout [UInt8]) throws(XMLParseError) {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "<"):
                return
            case UInt8(ascii: "&"):
                try reference(into: &text)
            case UInt8(ascii: "]") where starts(with: "]]>"):
                throw failure("]]> is not allowed in character data")
            case UInt8(ascii: "\r"):
                text.append(UInt8(ascii: "\n"))
                index += starts(with: "\r\n") ? 2 : 1
            default:
                text.append(bytes[index])
                index += 1
            }
        }
    }

    /// `&lt;` `&gt;` `&amp;` `&apos;` `&quot;`, `&#NNN;` and `&#xHHH;`; anything else is an error,
    /// since without a DTD no other entity can be declared.
    private mutating func reference(into text: inout [UInt8]) throws(XMLParseError) {
        let at = index
        index += 1
        guard let semicolon = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
            throw failure("& must start a reference such as &amp; (write & itself as &amp;)", at: at)
        }
        let body = String(decoding: bytes[index..<semicolon], as: UTF8.self)
        index = semicolon + 1
        let scalar: Unicode.Scalar?
        switch body {
        case "lt": scalar = "<"
        case "gt": scalar = ">"
        case "amp": scalar = "&"
        case "apos": scalar = "'"
        case "quot": scalar = "\""
        default:
            if body.hasPrefix("#x") {
                let digits = body.dropFirst(2)
                scalar = digits.allSatisfy({ $0.isASCII && $0.isHexDigit }) ? UInt32(digits, radix: 16).flatMap(Unicode.Scalar.init) : nil
            } else if body.hasPrefix("#") {
                let digits = body.dropFirst()
                scalar = digits.allSatisfy({ $0.isASCII && $0.isNumber }) ? UInt32(digits, radix: 10).flatMap(Unicode.Scalar.init) : nil
            } else {
                throw failure("unknown entity &\(body);", at: at)
            }
        }
        guard let scalar, Self.isXMLCharacter(scalar) else {
            throw failure("&\(body); is not a valid character reference", at: at)
        }
        text.append(contentsOf: Array(String(scalar).utf8))
    }

    // MARK: - Comments and processing instructions

    /// `<!-- … -->`; `--` may not appear inside.
    private mutating func comment() throws(XMLParseError) {
        let at = index
        index += 4
        guard let dashes = find("--") else { throw failure("unterminated comment", at: at) }
        guard dashes + 2 < bytes.count, bytes[dashes + 2] == UInt8(ascii: ">") else {
            throw failure("-- is not allowed inside a comment", at: dashes)
        }
        index = dashes + 3
    }

    /// `<?target …?>`: skipped. The target `xml` is reserved for the declaration at the very start.
    private mutating func processingInstruction() throws(XMLParseError) {
        let at = index
        index += 2
        let target = try name()
        guard target.lowercased() != "xml" else {
            throw failure("the XML declaration is only allowed at the very start of the document", at: at)
        }
        guard starts(with: "?>") || isWhitespace(at: index) else {
            throw failure("expected whitespace or ?> after <?\(target)")
        }
        guard let end = find("?>") else { throw failure("unterminated processing instruction <?\(target)", at: at) }
        index = end + 2
    }

    // MARK: - Lexical helpers

    /// An XML name; any non-ASCII character is accepted as a name character.
    private mutating func name() throws(XMLParseError) -> String {
        let start = index
        while index < bytes.count, Self.isNameByte(bytes[index], first: index == start) {
            index += 1
        }
        guard index > start else {
            throw failure(index < bytes.count ? "expected a name, found \(Self.describe(bytes[index]))" : "expected a name")
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "_"), UInt8(ascii: ":"), 0x80...:
            return true
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return !first
        default:
            return false
        }
    }

    private func isWhitespace(at position: Int) -> Bool {
        guard position < bytes.count else { return false }
        let byte = bytes[position]
        return byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = index
        while isWhitespace(at: index) { index += 1 }
        return index > start
    }

    private func starts(with prefix: String) -> Bool {
        starts(with: Array(prefix.utf8))
    }

    private func starts(with prefix: [UInt8]) -> Bool {
        bytes.count - index >= prefix.count && bytes[index..<(index + prefix.count)].elementsEqual(prefix)
    }

    private mutating func expect(_ literal: String, in context: String) throws(XMLParseError) {
        guard starts(with: literal) else {
            let found = index < bytes.count ? Self.describe(bytes[index]) : "the end of the document"
            throw failure("expected \(literal) in \(context), found \(found)")
        }
        index += literal.utf8.count
    }

    /// The position of the next `needle` at or after `index`.
    private func find(_ needle: String) -> Int? {
        let pattern = Array(needle.utf8)
        var position = index
        while position + pattern.count <= bytes.count {
            if bytes[position] == pattern[0] && bytes[position..<(position + pattern.count)].elementsEqual(pattern) {
                return position
            }
            position += 1
        }
        return nil
    }

    private func appendNormalizingLineEnds(_ slice: ArraySlice<UInt8>, to text: inout [UInt8]) {
        var previous: UInt8 = 0
        for byte in slice {
            if byte == UInt8(ascii: "\r") {
                text.append(UInt8(ascii: "\n"))
            } else if !(byte == UInt8(ascii: "\n") && previous == UInt8(ascii: "\r")) {
                text.append(byte)
            }
            previous = byte
        }
    }

    private static func tree(from frame: inout Frame) -> XMLTree {
        var text = String(decoding: frame.text, as: UTF8.self)
        // Indentation between child elements is not content.
        if !frame.children.isEmpty && text.allSatisfy(\.isWhitespace) { text = "" }
        return XMLTree(name: frame.name, attributes: frame.attributes, text: text, children: frame.children)
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : String(format: "byte 0x%02X", byte)
    }

    // MARK: - Characters

    /// Refuses malformed UTF-8 and characters XML does not allow (most control characters) up front,
    /// so the parser itself can work on bytes.
    private func checkCharacters() throws(XMLParseError) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                guard Self.isXMLCharacter(scalar) else {
                    throw failure(String(format: "character U+%04X is not allowed in XML", scalar.value), at: offset)
                }
                offset += UTF8.width(scalar)
            case .emptyInput:
                return
            case .error:
                throw failure("the document is not valid UTF-8", at: offset)
            }
        }
    }

    /// XML 1.0's `Char`: tab, line feed, carriage return and everything from space up, but
    /// surrogates, U+FFFE and U+FFFF.
    private static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    // MARK: - Errors

    /// An error at `position` (the current one by default), with its line and column.
    private func failure(_ reason: String, at position: Int? = nil) -> XMLParseError {
        let position = min(position ?? index, bytes.count)
        var line = 1
        var lineStart = 0
        for (offset, byte) in bytes[..<position].enumerated() where byte == UInt8(ascii: "\n") {
            line += 1
            lineStart = offset + 1
        }
        // Columns count characters: every byte but UTF-8 continuation bytes starts one.
        let column = bytes[lineStart..<position].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        return XMLParseError(line: line, column: column, reason: reason)
    }
}
