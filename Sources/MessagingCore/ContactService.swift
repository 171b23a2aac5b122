import Foundation

/// Contacts (Req 2): opt-ins false unless given, phone or email required, soft delete, search.
public struct ContactService: Sendable {
    let deps: CoreDependencies

    public init(_ deps: CoreDependencies) { self.deps = deps }

    public struct NewContact: Sendable {
        public var name: String?
        public var phone: String?
        public var email: String?
        public var optInWhatsApp: Bool?
        public var optInSms: Bool?
        public var optInEmail: Bool?
        public init(name: String? = nil, phone: String? = nil, email: String? = nil, optInWhatsApp: Bool? = nil, optInSms: Bool? = nil, optInEmail: Bool? = nil) {
            self.name = name
            self.phone = phone
            self.email = email
            self.optInWhatsApp = optInWhatsApp
            self.optInSms = optInSms
            self.optInEmail = optInEmail
        }
    }

    /// A partial update: nil leaves a field alone; opt-ins change only when present (Req 2.4).
    public struct ContactPatch: Sendable {
        public var name: String??
        public var phone: String??
        public var email: String??
        public var optInWhatsApp: Bool?
        public var optInSms: Bool?
        public var optInEmail: Bool?
        public init(name: String?? = nil, phone: String?? = nil, email: String?? = nil, optInWhatsApp: Bool? = nil, optInSms: Bool? = nil, optInEmail: Bool? = nil) {
            self.name = name
            self.phone = phone
            self.email = email
            self.optInWhatsApp = optInWhatsApp
            self.optInSms = optInSms
            self.optInEmail = optInEmail
        }
    }

    public func create(_ input: NewContact) async throws(CoreError) -> Contact {
        let phone = try normalizedPhone(input.phone)
        let email = try normalizedEmail(input.email)
        guard phone != nil || email != nil else {
            throw .invalid("a contact needs a phone number or an email address (Req 2.2)")
        }
        let now = deps.clock.now()
        let contact = Contact(id: deps.ids.next(), name: input.name?.trimmingWhitespace(), phone: phone, email: email,
                              optInWhatsApp: input.optInWhatsApp ?? false, optInSms: input.optInSms ?? false, optInEmail: input.optInEmail ?? false,
                              createdAt: now, updatedAt: now)
        do {
            try await deps.store.insertContact(contact)
        } catch StoreError.duplicate {
            throw .conflict("a contact with phone \(phone ?? "") already exists")
        } catch {
            throw .internal("could not store the contact: \(error)")
        }
        return contact
    }

    public func get(_ id: String) async throws(CoreError) -> Contact {
        guard let c = try await call({ try await deps.store.contact(id: id) }), c.deletedAt == nil else { throw .notFound("no contact \(id)") }
        return c
    }

    public func update(_ id: String, _ patch: ContactPatch) async throws(CoreError) -> Contact {
        var c = try await get(id)
        if let name = patch.name { c.name = name?.trimmingWhitespace() }
        if let phone = patch.phone { c.phone = try normalizedPhone(phone) }
        if let email = patch.email { c.email = try normalizedEmail(email) }
        if let v = patch.optInWhatsApp { c.optInWhatsApp = v }
        if let v = patch.optInSms { c.optInSms = v }
        if let v = patch.optInEmail { c.optInEmail = v }
        guard c.phone != nil || c.email != nil else { throw .invalid("a contact needs a phone number or an email address (Req 2.2)") }
        c.updatedAt = deps.clock.now()
        do {
            try await deps.store.updateContact(c)
        } catch StoreError.duplicate {
            throw .conflict("a contact with phone \(c.phone ?? "") already exists")
        } catch {
            throw .internal("could not update the contact: \(error)")
        }
        return c
    }

    public func delete(_ id: String) async throws(CoreError) {
        var c = try await get(id)
        c.deletedAt = deps.clock.now()
        c.updatedAt = c.deletedAt!
        try await call { try await deps.store.updateContact(c) }
    }

    public func search(_ query: String, limit: Int = 50) async throws(CoreError) -> [Contact] {
        try await call { try await deps.store.searchContacts(query.trimmingWhitespace(), limit: min(max(limit, 1), 200)) }
    }

    private func normalizedPhone(_ raw: String?) throws(CoreError) -> String? {
        guard let raw, !PhoneNumber.isBlank(raw) else { return nil }
        do { return try PhoneNumber.normalize(raw) } catch { if case .invalid(let m) = error { throw .invalid(m) }; return nil }
    }

    private func normalizedEmail(_ raw: String?) throws(CoreError) -> String? {
        guard let raw, !PhoneNumber.isBlank(raw) else { return nil }
        guard let email = EmailAddress.normalize(raw) else { throw .invalid("'\(raw)' is not an email address") }
        return email
    }
}

/// Errors the core reports to its callers; each maps to one HTTP status and error code.
public enum CoreError: Error, Equatable, Sendable {
    case invalid(String)
    case notFound(String)
    case conflict(String)
    case forbidden(String)
    case refused(SendRefusal, String)
    /// The caller took too long (a request body that did not arrive in time).
    case timeout(String)
    case `internal`(String)

    public var code: String {
        switch self {
        case .invalid: "INVALID_REQUEST"
        case .notFound: "NOT_FOUND"
        case .conflict: "CONFLICT"
        case .forbidden: "FORBIDDEN"
        case .refused(let r, _): r.rawValue
        case .timeout: "REQUEST_TIMEOUT"
        case .internal: "INTERNAL"
        }
    }

    public var message: String {
        switch self {
        case .invalid(let m), .notFound(let m), .conflict(let m), .forbidden(let m), .refused(_, let m), .timeout(let m), .internal(let m): m
        }
    }
}

/// Runs a store call, turning its errors into `CoreError.internal`.
func call<T>(_ body: () async throws -> T) async throws(CoreError) -> T {
    do { return try await body() } catch let e as CoreError { throw e } catch { throw .internal("store: \(error)") }
}
