/// What each access verb of a function means in IAM actions, per kind of resource.
/// The generated policy and inventory show the expanded actions, so nothing here is taken on faith.
public enum AccessVerbs {
    public static let table: [String: [String]] = [
        "read": ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
        "write": ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
    ]
    public static let queue: [String: [String]] = [
        "send": ["sqs:GetQueueUrl", "sqs:SendMessage"],
        "consume": ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
    ]
    public static let prefix: [String: [String]] = [
        "get": ["s3:GetObject"],
        "put": ["s3:PutObject"],
        "delete": ["s3:DeleteObject"],
        "list": ["s3:ListBucket"],
    ]

    /// The verbs allowed on each kind and the actions they grant.
    public static let byKind: [ResourceKind: [String: [String]]] = [
        .table: table,
        .queue: queue,
        .prefix: prefix,
        .topic: ["publish": ["sns:Publish"]],
        .function: ["invoke": ["lambda:InvokeFunction"]],
        .secret: ["read": ["secretsmanager:GetSecretValue"]],
        .phoneNumber: [
            "send": ["social-messaging:SendWhatsAppMessage"],
            "media": ["social-messaging:GetWhatsAppMessageMedia", "social-messaging:PostWhatsAppMessageMedia"],
        ],
        .smsPool: ["send": ["sms-voice:SendTextMessage"]],
        .emailSender: ["send": ["ses:SendEmail"]],
        .knowledgeBase: ["retrieve": ["bedrock:Retrieve"]],
        .agent: ["invoke": ["bedrock:InvokeAgent"]],
        .logGroup: ["write": ["logs:CreateLogStream", "logs:PutLogEvents"]],
    ]

    public static func actions(kind: ResourceKind, verb: String) -> [String]? {
        return byKind[kind]?[verb]
    }
}
