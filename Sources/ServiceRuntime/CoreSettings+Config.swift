import MessagingCore
import WecareConfig

extension CoreSettings {
    /// The core's settings from the generated config: the platform's constants (allowlist, limits, bulk
    /// settings, retentions) and, where the process has them, its bucket and key prefixes.
    static func from(environment: String, sendMode: SendMode, bucket: String, incoming: String, outgoing: String, reports: String) -> CoreSettings {
        CoreSettings(environment: environment, sendMode: sendMode, allowlist: Messaging.allowlist, metaApiVersion: Messaging.metaApiVersion,
                     smsPoolId: Messaging.smsPoolId, emailSender: Messaging.emailSender, mediaBucket: bucket, incomingPrefix: incoming,
                     outgoingPrefix: outgoing, smsMaxLength: Messaging.smsMaxLength, messageRetention: Schema.Messages.retention.seconds,
                     dlqRetention: Schema.DLQMessages.retention.seconds, auditRetention: Schema.AuditLogs.retention.seconds,
                     reportsPrefix: reports,
                     bulk: BulkSettings(chunkSize: Messaging.bulkChunkSize, confirmationThreshold: Messaging.bulkConfirmationThreshold,
                                        workers: Messaging.bulkWorkerConcurrency, whatsAppTierLimit: Messaging.whatsAppTierLimit,
                                        tierAlertPercent: Messaging.whatsAppTierAlertPercent),
                     ai: AISettings(passages: Messaging.aiPassages, recentMessages: Messaging.aiRecentMessages))
    }
}

extension RateLimits {
    /// The providers' limits as the specs declare them.
    static var configured: RateLimits {
        RateLimits(perWhatsAppNumber: Messaging.whatsAppRatePerNumber, whatsAppAccount: Messaging.whatsAppAccountRatePerSecond,
                   sms: Messaging.smsRatePerSecond, email: Messaging.emailRatePerSecond)
    }
}

extension EnvironmentName {
    /// The region the environment is deployed in (specs/platform.yaml): where its functions and resources are.
    var region: String {
        switch self {
        case .production: Environments.production.region
        case .staging: Environments.staging.region
        case .preview: Environments.preview.region
        case .local: Environments.local.region
        }
    }
}
