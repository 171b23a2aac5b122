import AWSClient
import Foundation
import SpecDiff
import SpecModel

/// Compares what runs with the specs, with requests that change nothing in the stack or the role: DescribeStacks,
/// GetTemplate, DetectStackDrift (which only starts CloudFormation's own check) and its two reads, and IAM's
/// List/Get calls. Each part is compared on its own: one that AWS refuses is reported as not compared, and the
/// others still are.
public struct DriftInspector: Sendable {
    public let cloudFormation: CloudFormationClient
    public let iam: IAMClient
    public let pause: @Sendable (Duration) async throws -> Void
    public let now: @Sendable () -> Date
    /// How long CloudFormation may take to check the stack's resources, and how often to ask.
    public let timeout: Duration
    public let pollInterval: Duration

    public init(cloudFormation: CloudFormationClient, iam: IAMClient, pause: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
                now: @escaping @Sendable () -> Date = Date.init, timeout: Duration = .seconds(900), pollInterval: Duration = .seconds(5)) {
        self.cloudFormation = cloudFormation
        self.iam = iam
        self.pause = pause
        self.now = now
        self.timeout = timeout
        self.pollInterval = pollInterval
    }

    public init(client: AWSClient) {
        self.init(cloudFormation: CloudFormationClient(client: client), iam: IAMClient(client: client))
    }

    /// Refuses a stack that does not exist or whose tag names another environment (DriftError, after DescribeStacks
    /// alone); otherwise compares the three parts.
    public func inspect(_ target: DriftTarget) async throws -> DriftReport {
        let (stack, admitted) = try await admit(target)
        var notes = admitted
        let id = stack.stackID.isEmpty ? target.stack : stack.stackID

        let (resources, check) = await resourceDrift(stack: id)
        let template = await templateDrift(stack: id, target: target)
        let policy = await policyDrift(target, notes: &notes)
        return DriftReport(environment: target.environment, stack: target.stack, stackID: stack.stackID, stackStatus: stack.status,
                           specHash: target.specHash, deployedSpecHash: stack.tags[StackTags.specHash], templatePath: target.templatePath,
                           policyPath: target.policyPath, roleName: target.roleName, resources: resources, resourceCheck: check,
                           template: template, policy: policy, notes: notes)
    }

    /// The stack, when it exists and is the environment's (its `wecare:environment` tag, or no tag: then a note says so).
    /// DescribeStacks is the only request; `--watch` calls this first, so a wrong stack is refused rather than watched.
    public func admit(_ target: DriftTarget) async throws -> (stack: CloudFormationClient.Stack, notes: [String]) {
        let stack: CloudFormationClient.Stack
        do {
            guard let found = try await cloudFormation.describeStack(name: target.stack) else {
                throw DriftError.stackNotFound(stack: target.stack, environment: target.environment)
            }
            stack = found
        } catch let error as DriftError {
            throw error
        } catch {
            throw DriftError.aws("cannot read stack \(target.stack): \(Self.reason(error))")
        }
        var notes = target.notes
        switch stack.tags[StackTags.environment] {
        case let tagged? where tagged != target.environment:
            throw DriftError.stackOfAnotherEnvironment(stack: target.stack, tagged: tagged, environment: target.environment)
        case nil:
            notes.append("stack \(target.stack) has no \(StackTags.environment) tag: it is compared as \(target.environment)'s because of its name")
        default: break
        }
        return (stack, notes)
    }

    /// DetectStackDrift, then DescribeStackDriftDetectionStatus until it is done, then DescribeStackResourceDrifts.
    func resourceDrift(stack: String) async -> (DriftSection<ResourceDrift>, ResourceDriftCheck?) {
        do {
            let detection = try await cloudFormation.detectStackDrift(stackName: stack)
            let deadline = now().addingTimeInterval(Self.seconds(timeout))
            var status = try await cloudFormation.describeStackDriftDetectionStatus(detectionID: detection)
            while status.detectionStatus == "DETECTION_IN_PROGRESS" {
                guard now() < deadline else {
                    return (.unchecked("CloudFormation's drift detection \(detection) was still running after \(SpecDuration(seconds: Int(Self.seconds(timeout))))"), nil)
                }
                try await pause(pollInterval)
                status = try await cloudFormation.describeStackDriftDetectionStatus(detectionID: detection)
            }
            // DETECTION_FAILED still has results for the resources it could check; those it could not are counted as unchecked.
            let check = ResourceDriftCheck(status: status, drifts: try await cloudFormation.describeStackResourceDrifts(stackName: stack))
            return (DriftSection(items: check.drifted), check)
        } catch {
            return (.unchecked("CloudFormation drift detection failed: \(Self.reason(error))"), nil)
        }
    }

    /// GetTemplate, compared with generated/cloudformation/<env>.json as `wecare diff` compares two templates.
    func templateDrift(stack: String, target: DriftTarget) async -> DriftSection<Change> {
        let body: String
        do {
            body = try await cloudFormation.getTemplate(stackName: stack)
        } catch {
            return .unchecked("GetTemplate failed: \(Self.reason(error))")
        }
        guard let deployed = try? JSONValue.parse(body) else {
            return .unchecked("the deployed template is not JSON (wecare deploys JSON templates: this stack was deployed by something else)")
        }
        return DriftSection(items: TemplateComparison.changes(base: deployed, head: target.template, environment: target.environment,
                                                              platform: target.platform))
    }

    /// Every inline and attached managed policy of the role, compared with generated/iam/<env>.json.
    func policyDrift(_ target: DriftTarget, notes: inout [String]) async -> DriftSection<PolicyDriftRow> {
        guard let role = target.roleName, let expected = target.policy else {
            return .unchecked("the specs give the execution role no policy (iam: in specs/)")
        }
        var held: [(policy: String, document: JSONValue)] = []
        do {
            for name in try await iam.listRolePolicies(roleName: role).sorted() {
                let text = try await iam.getRolePolicy(roleName: role, policyName: name)
                guard let document = try? JSONValue.parse(text) else { return .unchecked("inline policy \(name) of role \(role) is not JSON") }
                held.append(("inline \(name)", document))
            }
            for attached in try await iam.listAttachedRolePolicies(roleName: role).sorted(by: { $0.arn < $1.arn }) {
                let policy = try await iam.getPolicy(arn: attached.arn)
                let text = try await iam.getPolicyVersion(arn: attached.arn, versionID: policy.defaultVersionID)
                guard let document = try? JSONValue.parse(text) else { return .unchecked("managed policy \(attached.arn) is not JSON") }
                held.append(("managed \(attached.arn)", document))
            }
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            notes.append("role \(role) does not exist: every grant of \(target.policyPath) is missing")
        } catch {
            return .unchecked("reading role \(role)'s policies failed: \(Self.reason(error))")
        }
        let shared = target.sharedPolicies.keys.sorted().map { target.sharedPolicies[$0]! }
        if !shared.isEmpty {
            notes.append("role \(role) also serves \(target.sharedPolicies.keys.sorted().joined(separator: ", ")): grants their generated policies give are not extra")
        }
        return DriftSection(items: PolicyDrift.rows(expected: expected, shared: shared, held: held))
    }

    static func reason(_ error: any Error) -> String {
        guard let e = error as? AWSError else { return String(describing: error) }
        // An emulator without the API answers with an HTML error page, not an AWS error: say so rather than print it.
        let message = e.message.trimmingCharacters(in: .whitespacesAndNewlines)
        let said = message.hasPrefix("<") ? "an error page, not an AWS error (an emulator without this API?)"
            : String(message.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(300))
        return "\(e.operation) answered HTTP \(e.statusCode) \(e.code)" + (said.isEmpty ? "" : ": \(said)")
    }

    static func seconds(_ d: Duration) -> TimeInterval {
        TimeInterval(d.components.seconds) + TimeInterval(d.components.attoseconds) / 1e18
    }
}
