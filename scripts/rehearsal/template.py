"""A deployed stack read back from CloudFormation: its functions, their environments as they
resolved in that stack, and the triggers that invoke them.

Everything comes from what was deployed (GetTemplate and DescribeStackResources on the stack), not
from generated/ directly, so the rehearsal runs what the deployment produced. A trigger the
rehearsal cannot emulate (an HTTP integration that is not payload 2.0, say) is an error, not a
silent skip.
"""
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .resolve import Resolver, Unresolvable, references

SPECS = Path(__file__).resolve().parents[2] / "specs"


@dataclass
class Route:
    key: str              # "POST /api/contacts/{id}"
    authorization: str    # AuthorizationType: JWT or NONE

    @property
    def method(self):
        return self.key.split(" ", 1)[0]

    @property
    def path(self):
        return self.key.split(" ", 1)[1]


@dataclass
class QueueTrigger:
    mapping_id: str          # the event source mapping's UUID
    queue_url: str
    queue_arn: str
    batch_size: int
    reports_failures: bool   # FunctionResponseTypes has ReportBatchItemFailures


@dataclass
class ScheduleTrigger:
    rule_arn: str            # the AWS::Events::Rule that targets the function
    expression: str          # its ScheduleExpression, e.g. "rate(1 minute)"


@dataclass
class Function:
    name: str             # the spec's name, e.g. "contacts-create"
    physical_name: str    # as deployed, e.g. "base-wecare-digital-contacts-create"
    arn: str
    handler: str
    memory: int
    timeout: int
    log_group: str
    environment: dict     # Environment.Variables, resolved
    routes: list = field(default_factory=list)
    topics: list = field(default_factory=list)            # topic ARNs of its SNS subscriptions
    queues: list = field(default_factory=list)            # QueueTrigger
    schedules: list = field(default_factory=list)         # ScheduleTrigger
    invoke_principals: set = field(default_factory=set)   # services its Lambda permissions allow
    dead_letter_queue_url: str = None   # DeadLetterConfig: where Lambda puts events of failed asynchronous invokes
    async_retries: int = 2              # Lambda's retries of a failed asynchronous invoke (EventInvokeConfig)


# How an attribute of a resource is read from the emulator: (type, attribute) → reader(client, physical id).
ATTRIBUTES = {
    ("AWS::Lambda::Function", "Arn"): lambda c, p: c("lambda").get_function(FunctionName=p)["Configuration"]["FunctionArn"],
    ("AWS::SQS::Queue", "Arn"): lambda c, p: c("sqs").get_queue_attributes(QueueUrl=p, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"],
    ("AWS::SQS::Queue", "QueueName"): lambda c, p: p.rstrip("/").rsplit("/", 1)[1],
    ("AWS::SQS::Queue", "QueueUrl"): lambda c, p: p,
    ("AWS::DynamoDB::Table", "Arn"): lambda c, p: c("dynamodb").describe_table(TableName=p)["Table"]["TableArn"],
    ("AWS::DynamoDB::Table", "StreamArn"): lambda c, p: c("dynamodb").describe_table(TableName=p)["Table"]["LatestStreamArn"],
    ("AWS::Logs::LogGroup", "Arn"): lambda c, p: next(g["arn"] for g in c("logs").describe_log_groups(logGroupNamePrefix=p)["logGroups"]
                                                      if g["logGroupName"] == p),
    ("AWS::SNS::Topic", "TopicArn"): lambda c, p: p,
    ("AWS::SNS::Topic", "TopicName"): lambda c, p: p.rsplit(":", 1)[1],
}


def spec_function_names():
    """The function names of specs/functions.yaml (the keys under `functions:`)."""
    text = (SPECS / "functions.yaml").read_text()
    return re.findall(r"^  ([a-z0-9-]+):\s*$", text.split("\nfunctions:\n", 1)[1], re.M)


class Stack:
    """A deployed stack of the emulator reachable through `client(service)`."""

    def __init__(self, client, name, region):
        cfn = client("cloudformation")
        body = cfn.get_template(StackName=name)["TemplateBody"]
        self.template = body if isinstance(body, dict) else json.loads(body)
        described = cfn.describe_stacks(StackName=name)["Stacks"][0]
        parameters = {k: v["Default"] for k, v in self.template.get("Parameters", {}).items() if "Default" in v}
        parameters.update({p["ParameterKey"]: p["ParameterValue"] for p in described.get("Parameters", [])})
        self.resources = {r["LogicalResourceId"]: (r["ResourceType"], r.get("PhysicalResourceId"))
                          for r in cfn.describe_stack_resources(StackName=name)["StackResources"] if "LogicalResourceId" in r}
        # moto skips some resource types (API Gateway v2, SNS subscriptions, alarms); their triggers are
        # emulated from the template, and the report says which types the emulator did not create.
        self.not_created = sorted({r["Type"] for k, r in self.template["Resources"].items() if k not in self.resources})
        self.name = name
        self.account = described["StackId"].split(":")[4]
        self.region = region
        self.resolver = Resolver(self.resources, parameters, {
            "AWS::Region": region, "AWS::AccountId": self.account, "AWS::StackName": name, "AWS::StackId": described["StackId"],
        }, lambda kind, physical, attr: ATTRIBUTES[(kind, attr)](client, physical))

    def of_type(self, kind):
        return {k: r["Properties"] for k, r in self.template["Resources"].items() if r["Type"] == kind}

    def physical(self, logical):
        return self.resources[logical][1]

    def functions(self):
        """Every AWS::Lambda::Function of the stack, with its resolved environment and triggers."""
        names = spec_function_names()
        functions = {}
        for logical, p in self.of_type("AWS::Lambda::Function").items():
            where = f"{self.name}/{logical}"
            physical = self.resolver.value(p["FunctionName"], where) if "FunctionName" in p else self.physical(logical)
            matches = [n for n in names if physical == n or physical.endswith("-" + n)]
            if not matches:
                raise Unresolvable(f"{where}: {physical} is none of the functions of specs/functions.yaml")
            variables = p.get("Environment", {}).get("Variables", {})
            log_group = p.get("LoggingConfig", {}).get("LogGroup")
            functions[logical] = Function(
                name=max(matches, key=len), physical_name=physical, arn=self.resolver.get_att(logical, "Arn", where),
                handler=p["Handler"], memory=int(p.get("MemorySize", 128)), timeout=int(p.get("Timeout", 3)),
                log_group=self.resolver.value(log_group, where) if log_group else f"/aws/lambda/{physical}",
                environment={k: self.resolver.value(v, f"{where} Environment.Variables.{k}") for k, v in variables.items()})
            if "DeadLetterConfig" in p:
                queue = self._target(p["DeadLetterConfig"]["TargetArn"], "AWS::SQS::Queue", f"{where} DeadLetterConfig")
                functions[logical].dead_letter_queue_url = self.physical(queue)
        self._attach_triggers(functions)
        return sorted(functions.values(), key=lambda f: f.name)

    def _target(self, expression, kind, where):
        """The one resource of type `kind` an expression refers to."""
        found = [r for r in references(expression) if self.template["Resources"].get(r, {}).get("Type") == kind]
        if len(found) != 1:
            raise Unresolvable(f"{where}: expected one {kind} in {expression!r}")
        return found[0]

    def _attach_triggers(self, functions):
        integrations = self.of_type("AWS::ApiGatewayV2::Integration")
        for logical, p in self.of_type("AWS::ApiGatewayV2::Route").items():
            where = f"{self.name}/{logical}"
            integration = self._target(p["Target"], "AWS::ApiGatewayV2::Integration", where)
            ip = integrations[integration]
            if ip.get("IntegrationType") != "AWS_PROXY" or ip.get("PayloadFormatVersion") != "2.0":
                raise Unresolvable(f"{where}: the rehearsal sends API Gateway payload 2.0 to AWS_PROXY integrations only")
            function = self._target(ip["IntegrationUri"], "AWS::Lambda::Function", f"{self.name}/{integration}")
            functions[function].routes.append(Route(p["RouteKey"], p.get("AuthorizationType", "NONE")))
        for logical, p in self.of_type("AWS::SNS::Subscription").items():
            if p.get("Protocol") == "lambda":
                function = self._target(p["Endpoint"], "AWS::Lambda::Function", f"{self.name}/{logical}")
                functions[function].topics.append(self.resolver.value(p["TopicArn"], f"{self.name}/{logical}"))
        for logical, p in self.of_type("AWS::Lambda::EventSourceMapping").items():
            where = f"{self.name}/{logical}"
            function = self._target(p["FunctionName"], "AWS::Lambda::Function", where)
            queue = self._target(p["EventSourceArn"], "AWS::SQS::Queue", where)
            functions[function].queues.append(QueueTrigger(
                mapping_id=self.physical(logical), queue_url=self.physical(queue), queue_arn=self.resolver.value(p["EventSourceArn"], where),
                batch_size=int(p.get("BatchSize", 10)), reports_failures="ReportBatchItemFailures" in p.get("FunctionResponseTypes", [])))
        for logical, p in self.of_type("AWS::Events::Rule").items():
            where = f"{self.name}/{logical}"
            if "ScheduleExpression" not in p:
                raise Unresolvable(f"{where}: the rehearsal plays scheduled rules only")
            for target in p.get("Targets", []):
                function = self._target(target["Arn"], "AWS::Lambda::Function", where)
                functions[function].schedules.append(ScheduleTrigger(
                    rule_arn=f"arn:aws:events:{self.region}:{self.account}:rule/{self.physical(logical).rsplit('/', 1)[-1]}",
                    expression=p["ScheduleExpression"]))
        for logical, p in self.of_type("AWS::Lambda::EventInvokeConfig").items():
            function = self._target(p["FunctionName"], "AWS::Lambda::Function", f"{self.name}/{logical}")
            functions[function].async_retries = int(p.get("MaximumRetryAttempts", 2))
        for logical, p in self.of_type("AWS::Lambda::Permission").items():
            function = self._target(p["FunctionName"], "AWS::Lambda::Function", f"{self.name}/{logical}")
            functions[function].invoke_principals.add(p["Principal"])

    def api(self):
        """(api id, stage name) of the stack's HTTP API: what the API Gateway events carry. Where the
        emulator did not create the API, a stable id of API Gateway's form stands in for it."""
        (api, _), = self.of_type("AWS::ApiGatewayV2::Api").items()
        stages = [p["StageName"] for p in self.of_type("AWS::ApiGatewayV2::Stage").values() if api in references(p["ApiId"])]
        api_id = self.resources.get(api, (None, None))[1] or hashlib.sha256(self.name.encode()).hexdigest()[:10]
        return api_id, (stages[0] if stages else "$default")

    def jwt_authorizer(self):
        """(issuer, audience) of the stack's JWT authorizer: what the verified tokens carry."""
        (p,), = [list(self.of_type("AWS::ApiGatewayV2::Authorizer").values())]
        where = f"{self.name}/authorizer"
        audience = [self.resolver.value(a, where) for a in p["JwtConfiguration"]["Audience"]]
        return self.resolver.value(p["JwtConfiguration"]["Issuer"], where), audience[0]
