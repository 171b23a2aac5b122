import AWSClient
import Foundation
import XCTest

/// The project's own XML parser: every construct AWS responses use, and malformed input refused
/// with the line and column of the fault.
final class XMLParserTests: XCTestCase {
    private func parse(_ text: String) throws -> XMLTree {
        try XMLTree(parsing: Data(text.utf8))
    }

    /// The error for `text`, or a failure when it parses.
    private func refusal(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> XMLParseError? {
        refusal(Data(text.utf8), file: file, line: line)
    }

    private func refusal(_ data: Data, file: StaticString = #filePath, line: UInt = #line) -> XMLParseError? {
        do {
            let tree = try XMLTree(parsing: data)
            XCTFail("parsed as \(tree)", file: file, line: line)
            return nil
        } catch let error as XMLParseError {
            return error
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    func testDeclarationCommentsAndProcessingInstructionsAreSkipped() throws {
        let tree = try parse("""
            \u{FEFF}<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <!-- before -->
            <?style sheet?>
            <R><!-- inside --><A>1</A><?pi data?></R>
            <!-- after -->
            """)
        XCTAssertEqual(tree.name, "R")
        XCTAssertEqual(tree.string("A"), "1")
        XCTAssertEqual(tree.text, "")
    }

    func testReferencesCDATAAndLineEnds() throws {
        let tree = try parse("<M>&lt;&gt;&amp;&apos;&quot; &#65;&#x42;&#x1F600; <![CDATA[<raw> & ]]>a\r\nb\rc</M>")
        XCTAssertEqual(tree.text, "<>&'\" AB\u{1F600} <raw> & a\nb\nc")
    }

    func testAttributesAreDecodedAndNormalized() throws {
        let tree = try parse("<e a=\"1 &amp; 2\" b='say \"hi\"' c=\"x\ty\r\nz\" xmlns=\"urn:x\"/>")
        XCTAssertEqual(tree.attributes, ["a": "1 & 2", "b": "say \"hi\"", "c": "x y z", "xmlns": "urn:x"])
        XCTAssertTrue(tree.children.isEmpty)
    }

    func testPrefixedNamesAndNonASCIITextAreKept() throws {
        let tree = try parse("<soap:Envelope><soap:Body>नमस्ते</soap:Body></soap:Envelope>")
        XCTAssertEqual(tree.name, "soap:Envelope")
        XCTAssertEqual(tree.string("soap:Body"), "नमस्ते")
    }

    func testS3ErrorBodyParses() throws {
        let body = Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>NoSuchKey</Code><Message>The resource you requested does not exist</Message>
            <Resource>/media/a.txt</Resource><RequestId>4442587FB7D0A2F9</RequestId></Error>
            """.utf8)
        let error = AWSErrorParser.parse(AWSHTTPResponse(statusCode: 404, body: body), service: .s3, operation: "GetObject")
        XCTAssertEqual(error.code, "NoSuchKey")
        XCTAssertEqual(error.message, "The resource you requested does not exist")
        XCTAssertEqual(error.requestID, "4442587FB7D0A2F9")
    }

    func testDeepNestingDoesNotExhaustTheStack() throws {
        let depth = 100_000
        let text = String(repeating: "<a>", count: depth) + "x" + String(repeating: "</a>", count: depth)
        var tree = try parse(text)
        var levels = 1
        while let child = tree.children.first {
            tree = child
            levels += 1
        }
        XCTAssertEqual(levels, depth)
        XCTAssertEqual(tree.text, "x")
    }

    func testMalformedDocumentsAreRefusedWithTheirPosition() {
        let cases: [(String, line: Int, column: Int, reason: String)] = [
            ("<A><B></A>", 1, 7, "end tag </A> does not match the start tag <B>"),
            ("<A>\n  <B>", 2, 3, "the document ends inside <B>"),
            ("", 1, 1, "the document has no root element"),
            ("  hello", 1, 3, "text before the root element"),
            ("<A/><B/>", 1, 5, "content after the root element"),
            ("<A/>trailing", 1, 5, "content after the root element"),
            ("<A>&nbsp;</A>", 1, 4, "unknown entity &nbsp;"),
            ("<A>a & b</A>", 1, 6, "& must start a reference such as &amp; (write & itself as &amp;)"),
            ("<A>&#0;</A>", 1, 4, "&#0; is not a valid character reference"),
            ("<A>&#xD800;</A>", 1, 4, "&#xD800; is not a valid character reference"),
            ("<A>&#x;</A>", 1, 4, "&#x; is not a valid character reference"),
            ("<A b=\"1\" b=\"2\"/>", 1, 10, "attribute b appears twice in <A>"),
            ("<A b=\"<\"/>", 1, 7, "< is not allowed in the value of attribute b"),
            ("<A b=1/>", 1, 6, "the value of attribute b must be quoted"),
            ("<A b=\"1\"c=\"2\"/>", 1, 9, "expected whitespace, > or /> in the start tag <A>"),
            ("<!DOCTYPE A [<!ENTITY x \"y\">]><A/>", 1, 1, "a DOCTYPE is not accepted"),
            ("<A><!-- a -- b --></A>", 1, 11, "-- is not allowed inside a comment"),
            ("<A><!-- open</A>", 1, 4, "unterminated comment"),
            ("<A><![CDATA[open</A>", 1, 4, "unterminated CDATA section"),
            ("<A>]]></A>", 1, 4, "]]> is not allowed in character data"),
            ("<A/><?xml version=\"1.0\"?>", 1, 5, "the XML declaration is only allowed at the very start of the document"),
            ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><A/>", 1, 21, "encoding ISO-8859-1 is not supported; only UTF-8 is"),
            ("<?xml encoding=\"UTF-8\"?><A/>", 1, 1, "the XML declaration must start with version"),
            ("<A>\u{1}</A>", 1, 4, "character U+0001 is not allowed in XML"),
            ("<1A/>", 1, 2, "expected a name, found '1'"),
            ("</A>", 1, 1, "end tag </A> without a start tag"),
            ("<A></A >x", 1, 9, "content after the root element"),
        ]
        for (text, line, column, reason) in cases {
            guard let error = refusal(text) else { continue }
            XCTAssertEqual(error, XMLParseError(line: line, column: column, reason: reason), text)
        }
    }

    func testInvalidUTF8IsRefused() {
        let error = refusal(Data([0x3C, 0x41, 0x3E, 0xC3, 0x28, 0x3C, 0x2F, 0x41, 0x3E]))  // <A>\xC3(</A>
        XCTAssertEqual(error, XMLParseError(line: 1, column: 4, reason: "the document is not valid UTF-8"))
    }

    func testErrorsExplainThemselves() {
        let error = XMLParseError(line: 3, column: 7, reason: "unknown entity &nbsp;")
        XCTAssertEqual(error.description, "invalid XML at line 3, column 7: unknown entity &nbsp;")
    }
}
