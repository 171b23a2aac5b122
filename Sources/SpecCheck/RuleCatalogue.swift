/// Every rule of the checker, in the order the documentation lists them.
public enum RuleCatalogue {
    public static let all: [Rule] = StructureRules.all + SendModeRules.all + S3Rules.all + IAMRules.all + SecretRules.all
        + LambdaRules.all + SQSRules.all + DynamoDBRules.all + MessagingRules.all + LogRules.all + NamingRules.all + AdoptionRules.all + AlarmRules.all
        + IsolationRules.all + UIRules.all + WaiverRules.all + AIRules.all

    public static func rule(_ id: String) -> Rule? { all.first { $0.id == id } }
}
