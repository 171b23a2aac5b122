import Foundation
@testable import SpecLoading
import SpecModel
import TestSupport
import XCTest

/// `wecare schema`: the JSON Schema made from the loader's own table validates every shipped spec and environment
/// file (with the `jsonschema` package that cfn-lint brings, installed by scripts/test), and the loader refuses
/// what the table does not list.
final class SchemaTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func validate(_ file: SpecSchema.File, folder: String) throws -> (status: Int32, output: String) {
        let schema = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-\(file.rawValue)-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: schema) }
        try SpecSchema.jsonSchema(file).rendered().write(to: schema, atomically: true, encoding: .utf8)
        let script = """
        import glob, json, sys
        try:
            import jsonschema, yaml
        except ImportError as e:
            print(f"missing {e.name}: scripts/test installs cfn-lint, which brings jsonschema and PyYAML"); sys.exit(3)
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        failed = 0
        for path in sorted(glob.glob(sys.argv[2] + "/*.yaml")):
            document = json.loads(json.dumps(yaml.safe_load(open(path)), default=str))   # dates as YAML wrote them
            for error in validator.iter_errors(document):
                failed += 1
                print(path, list(error.absolute_path), error.message[:200])
        sys.exit(1 if failed else 0)
        """
        return try runProcess("python3", ["-c", script, schema.path, Self.root.appendingPathComponent(folder).path])
    }

    func testEveryShippedFileValidatesAgainstItsSchema() throws {
        for (file, folder) in [(SpecSchema.File.spec, "specs"), (.environment, "environments")] {
            let run = try validate(file, folder: folder)
            XCTAssertEqual(run.status, 0, "\(folder):\n\(run.output)")
        }
    }

    func testTheSchemaRefusesWhatTheLoaderRefuses() throws {
        // Every node of the table is a closed object whose properties are exactly the keys the loader allows.
        let schema = SpecSchema.jsonSchema(.spec)
        guard case .object(let root) = schema, case .object(let defs)? = root["$defs"] else { return XCTFail("no $defs") }
        for node in SpecSchema.Node.allCases {
            guard case .object(let def)? = defs[node.rawValue], case .object(let properties)? = def["properties"] else { return XCTFail("\(node)") }
            XCTAssertEqual(Set(properties.keys), Set(SpecSchema.keys(node)), "\(node)")
            XCTAssertEqual(def["additionalProperties"], .bool(false), "\(node)")
        }
        // And the loader does refuse a key the table does not list.
        let loaded = SpecLoader.load([SourceFile(path: "environments/x.yaml", text: "environment:\n  name: x\n  sendMode: DRY_RUN\n  logLevel: INFO\n  naming: { prefix: x }\n  colour: blue\n")])
        XCTAssertTrue(loaded.diagnostics.contains { $0.rule == RuleID.unknownKey && $0.message.contains("colour") }, "\(loaded.diagnostics.map(\.message))")
    }
}
