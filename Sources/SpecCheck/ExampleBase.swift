/// The small, clean spec tree that rule examples are written against: each example replaces or
/// adds one file of it, so an example shows only what its rule is about.
public enum ExampleBase {
    public static let files: [String: String] = [
        "specs/platform.yaml": """
        platform:
          name: Example
          account: "123456789012"
          region: us-east-1

        """,
        "specs/existing.yaml": """
        existing:
          roles:
            execution: { arn: "arn:aws:iam::123456789012:role/example" }
          topics:
            events: { arn: "arn:aws:sns:us-east-1:123456789012:events" }
          userPools:
            users: { id: us-east-1_Example }
          smsPools:
            sms: { id: pool-example }
          emailSenders:
            mail: { address: one@example.com }

        """,
        "specs/topics.yaml": """
        topics:
          test-events: { purpose: Inbound test events of preview }

        """,
        "specs/storage.yaml": """
        storage:
          buckets:
            media:
              name: media.example.com
              prefixes:
                incoming: { path: media/incoming/ }

        """,
        "specs/tables.yaml": """
        tables:
          Messages:
            name: MessagesTable
            billing: PAY_PER_REQUEST
            attributes: { messageId: S, contactId: S, expiresAt: N }
            key: { partition: messageId }
            indexes:
              byContact: { partition: contactId }
            ttl: { attribute: expiresAt, retention: 30d }

        """,
        "specs/queues.yaml": """
        queues:
          work:
            name: work
            visibilityTimeout: 720s
            retention: 1d
            deadLetter: { queue: work-dlq, maxReceiveCount: 3 }
          work-dlq:
            name: work-dlq
            visibilityTimeout: 180s
            retention: 7d

        """,
        "specs/functions.yaml": """
        functionDefaults:
          runtime: provided.al2023
          memory: 256
          timeout: 30
          role: { role: execution }
          logGroup: { logGroup: common }
          environment:
            SEND_MODE: { setting: sendMode }
            LOG_LEVEL: { setting: logLevel }
            ENVIRONMENT: { setting: environment }
        functions:
          inbound:
            handler: inbound.whatsapp
            trigger: { topic: events }
            environment:
              MESSAGES_TABLE: { table: Messages }
              MEDIA_BUCKET: { bucket: media }
              MEDIA_PREFIX: { prefix: incoming }
            access:
              - { table: Messages, allow: [write] }
              - { prefix: incoming, allow: [put] }
          worker:
            handler: bulk.worker
            timeout: 120
            trigger: { queue: work }

        """,
        "specs/iam.yaml": """
        iam:
          role: execution
          scopes:
            - sid: MessagesWrite
              actions: [dynamodb:BatchWriteItem, dynamodb:DeleteItem, dynamodb:PutItem, dynamodb:UpdateItem]
              resources: [{ table: Messages }]
            - sid: IncomingPut
              actions: [s3:PutObject]
              resources: [{ prefix: incoming }]
            - sid: WorkConsume
              actions: [sqs:ChangeMessageVisibility, sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:ReceiveMessage]
              resources: [{ queue: work }]
            - sid: Logs
              actions: [logs:CreateLogStream, logs:PutLogEvents]
              resources: [{ logGroup: common }]

        """,
        "specs/messaging.yaml": """
        whatsapp:
          metaApiVersion: v20.0
          phoneNumbers:
            main: { id: phone-number-id-example, waba: main, ratePerSecond: 80 }
          wabas:
            main: { id: waba-example }
          allowlist: [phone-number-id-example]
          accountRatePerSecond: 1000
          mediaRatePerSecond: 100
          tierLimit: 250
          tierAlertPercent: 80
        channels:
          sms: { pool: sms, ratePerSecond: 5, maxLength: 1600 }
          email: { sender: mail, ratePerSecond: 10 }
        bulk:
          chunkSize: 100
          workerConcurrency: 5
          confirmationThreshold: 20

        """,
        "specs/observability.yaml": """
        observability:
          logGroups:
            common: { name: common, retention: 30d }
        api:
          name: api
          userPool: users

        """,
        "environments/production.yaml": """
        environment:
          name: production
          sendMode: LIVE
          logLevel: INFO
          naming: { prefix: example }
          deploy:
            branches: [main, "hotfix/*"]

        """,
        "environments/preview.yaml": """
        environment:
          name: preview
          sendMode: DRY_RUN
          logLevel: DEBUG
          naming: { prefix: example-preview, objectPrefix: preview/ }
          substitutes:
            - { topic: events, by: test-events }
          deploy:
            branches: ["feature/*"]

        """,
        "environments/local.yaml": """
        environment:
          name: local
          sendMode: DRY_RUN
          logLevel: DEBUG
          naming: { prefix: example-local, objectPrefix: local/ }

        """,
    ]

    /// A base file with one passage replaced: how most examples are written, so each shows only its change.
    static func edited(_ file: String, _ old: String, _ new: String) -> RuleExample {
        let base = files[file]!
        precondition(base.contains(old), "example edit of \(file) does not apply: \(old)")
        return RuleExample(file, base.replacingOccurrences(of: old, with: new))
    }
}
