/// The stable ids of every rule. They never change once released: CI configurations and waivers name them.
public enum RuleID {
    // Structure
    public static let yamlSyntax = "yaml.syntax"
    public static let duplicateKey = "yaml.duplicate-key"
    public static let unknownKey = "schema.unknown-key"
    public static let missingField = "schema.missing-field"
    public static let schemaType = "schema.type"
    public static let duplicateName = "schema.duplicate-name"
    public static let unresolvedReference = "ref.unresolved"
    public static let unusedResource = "ref.unused"
    public static let referenceAttribute = "ref.attribute"
    // SEND_MODE and branches
    public static let liveOutsideProduction = "sendmode.live-outside-production"
    public static let uiLinkURL = "ui.link-url"
    public static let branchOverlap = "branch.overlap"
    public static let branchProduction = "branch.production-only"
    public static let sendingDenied = "sendmode.iam-deny"
    // S3
    public static let prefixSlash = "s3.prefix-trailing-slash"
    public static let objectARN = "s3.object-arn"
    public static let listBucket = "s3.list-bucket"
    public static let foreignBucket = "s3.foreign-bucket"
    public static let deniedOperation = "s3.denied-operation"
    public static let environmentOutsideGrant = "s3.env-outside-grant"
    // IAM
    public static let wildcardAction = "iam.wildcard-action"
    public static let wildcardResource = "iam.wildcard-resource"
    public static let newRole = "iam.new-role"
    public static let uncoveredNeed = "iam.uncovered-need"
    public static let unusedScope = "iam.unused-scope"
    // Secrets
    public static let plaintextSecret = "secrets.plaintext"
    // Lambda
    public static let reservedVariable = "lambda.reserved-variable"
    public static let environmentSize = "lambda.environment-size"
    public static let timeoutRange = "lambda.timeout-range"
    public static let memoryRange = "lambda.memory-range"
    public static let requiredVariable = "lambda.required-variable"
    public static let handlerNeeds = "lambda.handler-needs"
    public static let aiKnowledgeFolder = "ai.knowledge-folder"
    public static let aiLimits = "ai.limits"
    public static let handlerUnknown = "lambda.handler-unknown"
    // SQS
    public static let dlqRetention = "sqs.dlq-retention"
    public static let maxReceiveCount = "sqs.max-receive-count"
    public static let visibilityTimeout = "sqs.visibility-timeout"
    public static let retentionRange = "sqs.retention-range"
    public static let fifoMismatch = "sqs.fifo-mismatch"
    // DynamoDB
    public static let billingMode = "dynamodb.billing-mode"
    public static let ttlAttribute = "dynamodb.ttl-attribute"
    public static let keyAttribute = "dynamodb.key-attribute"
    public static let ttlRetention = "dynamodb.ttl-retention"
    // Messaging
    public static let rateLimit = "messaging.rate-limit"
    public static let chunkSize = "messaging.chunk-size"
    public static let workerConcurrency = "messaging.worker-concurrency"
    public static let workerTimeout = "messaging.worker-timeout"
    public static let bulkRedrive = "messaging.bulk-redrive"
    public static let confirmationThreshold = "messaging.confirmation-threshold"
    public static let allowlist = "messaging.allowlist"
    // Logs
    public static let logRetention = "logs.retention"

    public static let nameLength = "naming.length"
    public static let nameCollision = "naming.collision"

    // Adoption
    public static let adoptDeadLetter = "adopt.dead-letter"
    // Isolation of non-production environments
    public static let isolationTopic = "isolation.production-topic"
    public static let isolationPrefix = "isolation.production-prefix"
    public static let isolationTable = "isolation.production-table"
    public static let isolationQueue = "isolation.production-queue"
    // Alarms
    public static let alarmHandlerTopic = "alarms.handler-topic"
    public static let alarmNoPerson = "alarms.no-person"
    // Waivers
    public static let waiverExpired = "waiver.expired"
    public static let waiverNotAllowed = "waiver.not-allowed"
    public static let waiverUnused = "waiver.unused"
}
