import Foundation

/// botocore's service models (`botocore/data/<service>/<version>/service-2.json[.gz]`), read through
/// botocore's own loader (the newest version of each), documentation left out. Each model also gets
/// `unsignedOperations`: the operations botocore's built-in handlers send unsigned (older botocore
/// releases mark STS AssumeRoleWithWebIdentity so there rather than in the model).
enum BotocoreModels {
    struct Missing: Error, CustomStringConvertible {
        var detail: String
        var description: String {
            "botocore (AWS's service models, installed with moto by scripts/test) could not be read: \(detail). Run scripts/test, or `python3 -m pip install 'moto[server]'`."
        }
    }

    static func load(_ names: [String]) throws -> [String: [String: Any]] {
        let script = """
        import json, sys
        import botocore.handlers as handlers
        from botocore.loaders import Loader
        def strip(v):
            if isinstance(v, dict): return {k: strip(x) for k, x in v.items() if k != "documentation"}
            if isinstance(v, list): return [strip(x) for x in v]
            return v
        unsigned = [h[0].split(".") for h in handlers.BUILTIN_HANDLERS if h[0].startswith("choose-signer.") and h[1] is handlers.disable_signing]
        loader = Loader()
        models = {n: strip(loader.load_service_model(n, "service-2")) for n in sys.argv[1:]}
        for model in models.values():
            event = model["metadata"]["serviceId"].lower().replace(" ", "-")
            model["unsignedOperations"] = [u[2] for u in unsigned if len(u) == 3 and u[1] == event]
        json.dump(models, sys.stdout)
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + names
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw Missing(detail: "python3 did not start: \(error)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let models = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] else {
            throw Missing(detail: message.split(separator: "\n").last.map(String.init) ?? "python3 exited with \(process.terminationStatus)")
        }
        return models
    }
}
