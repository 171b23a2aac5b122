import SpecModel

/// Collects every diagnostic of a load, so that one run reports all of them.
final class DiagnosticSink {
    private(set) var diagnostics: [Diagnostic] = []

    func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    func error(_ rule: String, at location: SourceLocation, _ message: String, hint: String? = nil) {
        report(Diagnostic(rule: rule, at: location, message, hint: hint))
    }
}
