import WecareConfig
import XCTest

/// The generated config: the loader's one clear error, and SEND_MODE's third lock.
final class ConfigLoaderTests: XCTestCase {
    func environment(_ function: FunctionName, _ env: String, sendMode: String = "DRY_RUN") -> [String: String] {
        var vars = Dictionary(uniqueKeysWithValues: function.variables.map { ($0, "value-of-\($0)") })
        vars["ENVIRONMENT"] = env
        vars["SEND_MODE"] = sendMode
        vars["LOG_LEVEL"] = "INFO"
        return vars
    }

    func testLoadsAFunctionsNeedsFromItsVariables() throws {
        var env = environment(.bulkWorker, "preview")
        env["AWS_LAMBDA_FUNCTION_NAME"] = "base-wecare-digital-preview-bulk-worker"
        XCTAssertEqual(ConfigLoader.function(servedBy: env), .bulkWorker)
        let config = try FunctionConfig.load(.bulkWorker, from: env)
        XCTAssertEqual(config.runtime.environment, .preview)
        XCTAssertEqual(config.runtime.sendMode, .dryRun)
        XCTAssertEqual(config.table(.bulkJobs), "value-of-BULK_JOBS_TABLE")
        XCTAssertEqual(config.keyPrefix(.reports), "value-of-REPORT_PREFIX")
        XCTAssertNil(config.queueURL(.bulkQueue), "bulk-worker is triggered by the queue and does not get its URL")
        XCTAssertNil(config.queueURL(.bulkDlq), "the worker is deployed with BULK_DLQ_URL but its handler does not read it")
    }

    func testOneErrorNamesEveryMissingOrWrongVariable() {
        var env = environment(.outboundSms, "staging", sendMode: "LIVE")
        env["SMS_POOL_ID"] = nil
        env["MESSAGES_TABLE"] = ""
        env["LOG_LEVEL"] = "LOUD"
        XCTAssertThrowsError(try FunctionConfig.load(.outboundSms, from: env)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.hasPrefix("cannot start: 4 problems with the environment variables:"), text)
            XCTAssertTrue(text.contains("SEND_MODE=LIVE is not allowed in staging: only production may send for real"), text)
            XCTAssertTrue(text.contains("LOG_LEVEL='LOUD' is not one of DEBUG, INFO, WARN, ERROR"), text)
            XCTAssertTrue(text.contains("SMS_POOL_ID is missing (function outbound-sms is deployed with it)"), text)
            XCTAssertTrue(text.contains("MESSAGES_TABLE is missing (function outbound-sms is deployed with it)"), text)
        }
    }

    func testMissingEnvironmentAndSendMode() {
        XCTAssertThrowsError(try ConfigLoader.load([:])) { error in
            let problems = (error as! ConfigError).problems
            XCTAssertEqual(problems.count, 3, "\(problems)")
        }
    }

    func testOnlyProductionCanHoldLive() {
        // The types: production's SEND_MODE type has `.live`, the others' do not (`DryRunSendMode.live`
        // does not compile), so the generated configs cannot say LIVE outside production.
        XCTAssertEqual(Environments.production.sendMode, LiveCapableSendMode.live)
        XCTAssertEqual(Environments.preview.sendMode, DryRunSendMode.dryRun)
        XCTAssertEqual(DryRunSendMode.allCases, [.dryRun])
        XCTAssertNil(DryRunSendMode(rawValue: "LIVE"))
        XCTAssertEqual(ConfigLoader.parseSendMode("LIVE", for: .production), .live)
        XCTAssertNil(ConfigLoader.parseSendMode("LIVE", for: .preview))
        XCTAssertNil(ConfigLoader.parseSendMode("LIVE", for: .local))
    }

    func testFunctionNamesAndHandlers() {
        XCTAssertEqual(FunctionName.allCases.count, 17)
        XCTAssertEqual(FunctionName.inboundWhatsappHandler.handler, .inboundWhatsapp)
        XCTAssertEqual(HandlerName.inboundWhatsapp.serves, .topic)
        XCTAssertTrue(HandlerName.inboundWhatsapp.needs.contains(.table(.dlqMessages)))
        XCTAssertEqual(FunctionName.bulkWorker.trigger, .queue(.bulkQueue))
        XCTAssertEqual(FunctionName.bulkReconcile.trigger, .schedule("rate(1 minute)"))
        XCTAssertEqual(HandlerName.bulkReconcile.serves, .schedule)
        XCTAssertEqual(FunctionName.contactsCreate.bindings["CONTACTS_TABLE"], .resource(.table(.contacts)))
        XCTAssertEqual(FunctionName.contactsCreate.bindings["SEND_MODE"], .setting("sendMode"))
        XCTAssertEqual(Environments.production.tables.contacts, "base-wecare-digital-ContactsTable")
        // Preview is deployed per branch: its values hold the slug as CloudFormation's template does.
        XCTAssertEqual(Environments.preview.prefixes.mediaIncoming, "preview/${BranchSlug}/whatsapp-media/whatsapp-media-incoming/")
        XCTAssertEqual(Schema.Messages.retention, .seconds(30 * 86_400))
        XCTAssertEqual(Messaging.bulkChunkSize, 100)
        XCTAssertEqual(Messaging.allowlist.count, 2)
    }
}
