import Foundation

/// The WhatsApp Business tier (Req 13.2, 13.9): business-initiated conversations over a rolling 24 hours,
/// refused beyond the tier and alerted on at the configured share of it.
struct TierLimit: Sendable {
    let deps: CoreDependencies
    let settings: CoreSettings

    init(_ deps: CoreDependencies, settings: CoreSettings) {
        self.deps = deps
        self.settings = settings
    }

    func used() async throws(CoreError) -> Int {
        let since = deps.clock.now().addingTimeInterval(-24 * 3600)
        return try await call { try await deps.store.businessConversations(since: since) }
    }

    /// Refuses `adding` new conversations that would pass the tier, with the numbers. `queued` counts
    /// conversations running jobs will still open.
    func check(adding: Int, queued: Int = 0) async throws(CoreError) {
        let used = try await used() + queued
        let tier = settings.bulk.whatsAppTierLimit
        guard used + adding <= tier else {
            let text = "this job needs \(adding) business-initiated WhatsApp conversations; \(used) of the tier's \(tier) per 24 hours are used or queued, "
                + "so \(max(tier - used, 0)) are left (Req 13.2). Send to fewer recipients or wait for the rolling window."
            deps.events.record(.warning, "tier_refused", ["needed": String(adding), "used": String(used), "tier": String(tier)])
            throw .refused(.tierLimitExceeded, text)
        }
        // The usage this job takes the tier to: the metric the tier alarm watches (Req 13.9, 14).
        deps.events.record(.info, "whatsapp_tier_usage", ["used": String(used + adding), "tier": String(tier)])
    }

    /// Raises a critical alert when `adding` conversations take usage across the alert share of the tier.
    func alertIfNear(adding: Int) async {
        guard let used = try? await used() else { return }
        let tier = settings.bulk.whatsAppTierLimit
        let threshold = Double(tier) * Double(settings.bulk.tierAlertPercent) / 100
        guard Double(used) < threshold || adding == 0, Double(used + adding) >= threshold else { return }
        deps.events.record(.critical, "whatsapp_tier_alert", [
            "used": String(used), "adding": String(adding), "tier": String(tier), "percent": String(settings.bulk.tierAlertPercent),
            "message": "WhatsApp business-initiated conversations reach \(used + adding) of \(tier) in 24 hours (Req 13.9)",
        ])
    }
}
