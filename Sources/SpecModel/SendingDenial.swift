/// DRY_RUN enforced by IAM, not only by a variable: every environment shares one execution role, so an
/// environment that must not send gets a `Deny` of every provider sending action for its own functions
/// (the `lambda:SourceFunctionArn` condition key Lambda adds to each call a function makes). An explicit
/// deny wins over any allow, so a DRY_RUN function cannot send even if its code or SEND_MODE were wrong.
public struct SendingDenial: Sendable, Equatable {
    public static let sid = "DenySendingOutsideProduction"

    /// The provider calls that deliver a message (or upload what a message carries), whatever grants them.
    public static let actions = [
        "mobiletargeting:SendMessages", "mobiletargeting:SendUsersMessages",
        "ses:SendBounce", "ses:SendBulkEmail", "ses:SendBulkTemplatedEmail", "ses:SendCustomVerificationEmail",
        "ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail",
        "sms-voice:SendDestinationNumberVerificationCode", "sms-voice:SendMediaMessage", "sms-voice:SendTextMessage",
        "sms-voice:SendVoiceMessage",
        "social-messaging:PostWhatsAppMessageMedia", "social-messaging:SendWhatsAppMessage",
    ]

    /// The services whose calls can reach a person.
    static let messagingServices: Set<String> = ["mobiletargeting", "ses", "sms-voice", "social-messaging"]

    /// True for an action that could deliver a message: one of `actions`, a pattern that grants one
    /// (`ses:Send*`), or any other `Send…`/`Post…` call of a messaging service.
    public static func couldSend(_ action: String) -> Bool {
        if actions.contains(where: { Glob.matches(action, $0) }) { return true }
        let parts = action.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, messagingServices.contains(String(parts[0])) else { return false }
        return parts[1].hasPrefix("Send") || parts[1].hasPrefix("Post")
    }

    public var actions: [String]
    /// The environment's function ARNs the denial applies to.
    public var functionARNs: [String]

    /// Whether the denial stops every call `action` grants: a pattern may grant calls no list names.
    public func covers(_ action: String) -> Bool {
        !Glob.isPattern(action) && actions.contains(action)
    }
}

extension Deployment {
    /// The denial this environment's policy carries; nil in production, the one environment that may send.
    public var sendingDenial: SendingDenial? {
        guard !environment.isProduction else { return nil }
        return SendingDenial(actions: SendingDenial.actions, functionARNs: platform.functions.map(functionARN).sorted())
    }
}
