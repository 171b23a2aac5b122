import SpecModel

/// The policy document the existing execution role must hold in one environment, for review.
/// Deployments never change the role (Req 11.8); this file is what a reviewer compares it with.
public enum IAMPolicyGenerator {
    public static func policy(for d: Deployment) -> JSONValue {
        let statements: [JSONValue] = d.resolvedScopes.map { s in
            var statement: [String: JSONValue] = [
                "Sid": .string(s.scope.sid.value),
                "Effect": .string("Allow"),
                "Action": .array(s.actions.sorted().map { .string($0) }),
                "Resource": .array(s.resources.map { .string($0) }),
            ]
            if !s.conditionPrefixes.isEmpty {
                statement["Condition"] = .object(["StringLike": .object(["s3:prefix": .array(s.conditionPrefixes.map { .string($0) })])])
            }
            return .object(statement)
        }
        var all = statements
        if let denial = d.sendingDenial {
            // DRY_RUN enforced by IAM: the shared role may send, this environment's functions may not.
            all.append(.object([
                "Sid": .string(SendingDenial.sid),
                "Effect": .string("Deny"),
                "Action": .array(denial.actions.map { .string($0) }),
                "Resource": .string("*"),
                "Condition": .object(["ArnLike": .object(["lambda:SourceFunctionArn": .array(denial.functionARNs.map { .string($0) })])]),
            ]))
        }
        return .object(["Version": .string("2012-10-17"), "Statement": .array(all)])
    }
}
