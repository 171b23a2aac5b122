import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Builds an `XMLTree` with Foundation's event-driven XMLParser.
final class XMLTreeParser: NSObject, XMLParserDelegate {
    struct ParseError: Error, CustomStringConvertible {
        var reason: String
        var description: String { "invalid XML: \(reason)" }
    }

    private var stack: [XMLTree] = []
    private var root: XMLTree?

    static func parse(_ data: Data) throws -> XMLTree {
        let delegate = XMLTreeParser()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse(), let root = delegate.root else {
            throw ParseError(reason: parser.parserError.map { "\($0)" } ?? "no root element")
        }
        return root
    }

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        stack.append(XMLTree(name: elementName, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(
        _ parser: XMLParser,
        didEndElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?
    ) {
        guard var finished = stack.popLast() else { return }
        // Indentation between child elements is not content.
        if !finished.children.isEmpty && finished.text.allSatisfy(\.isWhitespace) {
            finished.text = ""
        }
        if stack.isEmpty {
            root = finished
        } else {
            stack[stack.count - 1].children.append(finished)
        }
    }
}
