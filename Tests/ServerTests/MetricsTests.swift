@testable import Server
import XCTest

/// `/metrics` in the Prometheus text format: one series per label set however its labels were ordered,
/// series sorted, latency buckets cumulative.
final class MetricsTests: XCTestCase {
    func testCountersAndTheHistogramRenderAsPrometheusText() {
        let metrics = Metrics()
        metrics.increment("wecare_http_requests_total", ["status": "200", "method": "POST"])
        metrics.increment("wecare_http_requests_total", ["method": "POST", "status": "200"], by: 2)
        metrics.increment("wecare_http_requests_total", ["method": "GET", "status": "404"])
        metrics.set("wecare_bulk_jobs_running", 1.5)
        metrics.observeLatency(0.002)
        metrics.observeLatency(0.3)
        let buckets = ["0.001": 0, "0.0025": 1, "0.005": 1, "0.01": 1, "0.025": 1, "0.05": 1, "0.1": 1, "0.25": 1, "0.5": 2, "1.0": 2, "2.5": 2]
        let expected = """
            # HELP wecare_http_requests_total HTTP requests by route and status.
            # TYPE wecare_http_requests_total counter
            wecare_http_requests_total{method="GET",status="404"} 1
            wecare_http_requests_total{method="POST",status="200"} 3
            # TYPE wecare_bulk_jobs_running gauge
            wecare_bulk_jobs_running 1.5
            # HELP wecare_http_request_duration_seconds HTTP request latency.
            # TYPE wecare_http_request_duration_seconds histogram

            """ + Metrics.buckets.map { "wecare_http_request_duration_seconds_bucket{le=\"\($0)\"} \(buckets["\($0)"]!)\n" }.joined() + """
            wecare_http_request_duration_seconds_bucket{le="+Inf"} 2
            wecare_http_request_duration_seconds_sum 0.302
            wecare_http_request_duration_seconds_count 2

            """
        XCTAssertEqual(metrics.render(), expected)
    }
}
