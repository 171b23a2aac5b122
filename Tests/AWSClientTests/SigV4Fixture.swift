import AWSClient
import Foundation
import XCTest

/// One case folder: `<name>.req`, `.creq`, `.sts`, `.authz`.
struct SigV4Fixture {
    let name: String
    let rawRequest: String
    let canonicalRequest: String
    let stringToSign: String
    let authorization: String

    static func all() throws -> [SigV4Fixture] {
        let root = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
            .appendingPathComponent("aws4_testsuite")
        let files = try XCTUnwrap(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        var fixtures: [SigV4Fixture] = []
        for case let url as URL in files where url.pathExtension == "req" {
            let base = url.deletingPathExtension()
            func read(_ ext: String) throws -> String {
                try String(contentsOf: base.appendingPathExtension(ext), encoding: .utf8)
            }
            fixtures.append(SigV4Fixture(
                name: base.lastPathComponent,
                rawRequest: try read("req"),
                canonicalRequest: try read("creq"),
                stringToSign: try read("sts"),
                authorization: try read("authz")
            ))
        }
        return fixtures.sorted { $0.name < $1.name }
    }

    /// Parses the raw `.req` text. The request line may hold spaces ("GET /example space/ HTTP/1.1").
    func request() throws -> AWSHTTPRequest {
        let parts = rawRequest.components(separatedBy: "\n\n")
        var lines = parts[0].components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        var target = String(requestLine.dropFirst(method.count + 1))
        if let range = target.range(of: " HTTP/", options: .backwards) { target = String(target[..<range.lowerBound]) }
        let pathAndQuery = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var request = AWSHTTPRequest(method: method, path: String(pathAndQuery[0]))
        if pathAndQuery.count > 1 {
            request.query = pathAndQuery[1].split(separator: "&").map { pair in
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return .init(name: PercentEncoding.decode(String(kv[0])), value: kv.count > 1 ? PercentEncoding.decode(String(kv[1])) : "")
            }
        }
        for line in lines {
            let colon = try XCTUnwrap(line.firstIndex(of: ":"), "\(name): bad header line \(line)")
            let headerName = String(line[..<colon])
            let value = String(line[line.index(after: colon)...])
            if headerName.lowercased() == "host" { request.host = value } else { request.headers.add(name: headerName, value: value) }
        }
        request.body = Data(parts.dropFirst().joined(separator: "\n\n").utf8)
        return request
    }
}
