import AWSClient
import Foundation

extension AWSHTTPRequest {
    var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The JSON body as a dictionary, for order-independent assertions.
    var jsonBody: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }
}
