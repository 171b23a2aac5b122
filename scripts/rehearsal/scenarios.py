"""The rehearsal of one deployed environment: the events its triggers send, in the order a day of
use would send them, each answer checked against expectations.py, then what landed in the
emulator's tables, queues and buckets, and what reached the providers.

Each trigger is played as AWS plays it:
- API routes: one API Gateway v2 event per call, answered synchronously;
- the SNS subscription: an asynchronous invoke; a failed one is retried (EventInvokeConfig, by
  default twice) and then put on the function's dead-letter queue with Lambda's attributes;
- the SQS event source mapping: batches of the mapping's size from ReceiveMessage; what the
  function does not report in batchItemFailures is deleted; a failed invocation deletes nothing.

A step that cannot go on (a function that did not start, an answer the next step needs) is
reported and the next step runs.
"""
import base64
import itertools
import json
import os
import time
import uuid
from collections import Counter
from dataclasses import dataclass

from . import events
from .expectations import (AI_QUESTION, BULK_CHANNEL, BULK_CONTENT, BULK_POLL_SECONDS, INBOUND, INIT_ONLY, PROVIDER_OPERATION, ROLES, SCHEDULED,
                           ROUTES, SENT_STATUS, TRIGGER_PRINCIPALS)
from .readback import ReadBack, strings

# A small JPEG (SOI, APP0, EOI markers around random bytes): what WhatsApp holds for the inbound image.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(2048) + b"\xff\xd9"


class StepFailed(Exception):
    pass


@dataclass
class Answer:
    """An API Gateway v2 response as the client receives it."""
    status: int
    text: str

    @property
    def body(self):
        try:
            return json.loads(self.text)
        except ValueError:
            return None


def http_answer(payload, raw):
    """What API Gateway makes of a payload 2.0 function response (None when it would answer 502)."""
    if isinstance(payload, dict) and "statusCode" in payload:
        body = payload.get("body") or ""
        if payload.get("isBase64Encoded"):
            body = base64.b64decode(body).decode(errors="replace")
        return Answer(int(payload["statusCode"]), body)
    if payload is not None:   # valid JSON without statusCode: 200 with the JSON as the body
        return Answer(200, raw.decode())
    return None


@dataclass
class Job:
    channel: str
    recipients: int
    expect: str   # what it must end as: sent (completed), cancelled, pending, deleted


class Rehearsal:
    def __init__(self, environment, stack, processes, client, provider, ledger):
        self.env = environment
        self.stack = stack
        self.processes = processes                      # spec name → function.FunctionProcess
        self.functions = {n: p.function for n, p in processes.items()}
        self.client = client
        self.provider = provider
        self.ledger = ledger
        self.read = ReadBack(client)
        self.routes = {r.key: (f.name, r) for f in self.functions.values() for r in f.routes}
        self.api_id, self.stage = stack.api()
        self.issuer, self.client_id = stack.jwt_authorizer()
        modes = {f.environment.get("SEND_MODE") for f in self.functions.values()}
        if len(modes) != 1:
            raise StepFailed(f"the functions disagree on SEND_MODE: {sorted(map(str, modes))}")
        self.send_mode = modes.pop()
        self.cache = {}
        self.phones = itertools.count(1)
        self.recipient = None            # (contact id, phone)
        self.bulk_contacts = []
        self.contacts = []               # ids the API answered a create with
        self.messages = []               # ids the API answered a send with
        self.first_whatsapp = None       # (message id, provider message id) of the first WhatsApp send
        self.sends = Counter()           # channel → messages that must have reached the provider in LIVE
        self.jobs = {}                   # job id → Job
        self.inbound = {}                # what the SNS events should have left behind
        self.chunks = set()              # bulk queue messages delivered to the worker
        self.finished = set()            # jobs seen completed or cancelled

    def run(self):
        self.ses_before = self.ses_sent()   # moto's SES counts for the whole emulator
        self.provider.take()
        for step in (self.trigger_permissions, self.contacts_with_opt_ins, self.inbound_events, self.ai_suggestions, self.route_matrix,
                     self.status_update, self.bulk_job_end_to_end, self.scheduled_functions, self.records_in_aws, self.provider_calls):
            try:
                step()
            except StepFailed as e:
                self.ledger.check(self.env, step.__name__.replace("_", " "), False, str(e))
            except Exception as e:   # a harness fault is a failure too, and the next step still runs
                self.ledger.check(self.env, step.__name__.replace("_", " "), False, f"rehearsal error: {e!r}")
        for name, function in self.functions.items():
            row = self.ledger.functions[(self.env, name)]
            if row.total == 0 and name not in INIT_ONLY:
                self.ledger.check(self.env, f"{name} served events", False, "no event reached it")

    # Delivering events.

    def var(self, function, name):
        value = self.functions[function].environment.get(name)
        if value is None:
            raise StepFailed(f"the template gives {function} no {name}")
        return value

    def invoke(self, function, event, what, check):
        """One event, one answer; `check(invocation)` says what is wrong with it (None: nothing)."""
        process = self.processes[function]
        if not process.ready:
            why = "it did not initialise" if process.init_failure else process.gone
            self.ledger.event(self.env, function, what, False, f"not delivered: {why}")
            raise StepFailed(f"{function} takes no events: {why}")
        invocation = process.invoke(event)
        if invocation.outcome in ("response", "error"):
            problem = check(invocation)
        else:
            problem = f"{invocation.outcome}: {process.gone}\n{process.output_tail(6)}"
        self.ledger.event(self.env, function, what, problem is None, problem or "")
        if problem:
            raise StepFailed(f"{function}: {what}: {problem}")
        return invocation

    def api(self, key, role, *, path=None, query="", body=None, expect, also=None):
        """A call of route `key` by a user of `role`; returns the answer when it is `expect` (and `also` finds nothing wrong)."""
        if key not in self.routes:
            raise StepFailed(f"the stack has no route {key}")
        function, route = self.routes[key]
        token = events.claims(role, issuer=self.issuer, client_id=self.client_id) if route.authorization == "JWT" else None
        event = events.http(route, api_id=self.api_id, stage=self.stage, region=self.stack.region, account=self.stack.account,
                            path_parameters=path, query=query, body=body, token_claims=token)
        got = []

        def check(invocation):
            if invocation.outcome == "error":
                return f"the function failed: {invocation.body.decode(errors='replace')[:400]} (API Gateway answers 502)"
            answer = http_answer(invocation.json(), invocation.body)
            if answer is None:
                return f"not a payload 2.0 response: {invocation.body[:300]!r}"
            got.append(answer)
            if answer.status != expect:
                return f"answered {answer.status}, expected {expect}: {answer.text[:300]}"
            if expect == 403 and ((answer.body or {}).get("error") or {}).get("code") != "FORBIDDEN":
                return f"403 without {{\"error\": {{\"code\": \"FORBIDDEN\"}}}}: {answer.text[:300]}"
            if expect in (201, 202) and "id" not in (answer.body or {}):
                return f"the answer names no id: {answer.text[:300]}"
            return also(answer) if also else None

        self.invoke(function, event, f"{key} as {role} → {expect}", check)
        return got[0]

    def publish(self, function, message, what, expect):
        """An SNS delivery: Lambda invokes asynchronously, retries a failure, then dead-letters it."""
        f = self.functions[function]
        event = events.sns(f.topics[0], message, self.stack.region)
        attempts = 1 + (f.async_retries if expect == "error" else 0)
        for attempt in range(attempts):
            invocation = self.invoke(function, event, what if attempt == 0 else f"{what} (retry {attempt})",
                                     lambda i: None if i.outcome == expect else
                                     f"{i.outcome}, expected {expect}: {i.body.decode(errors='replace')[:300]}")
        if invocation.outcome == "error" and f.dead_letter_queue_url:
            error = json.loads(invocation.body or b"{}")
            self.client("sqs").send_message(QueueUrl=f.dead_letter_queue_url, MessageBody=json.dumps(event), MessageAttributes={
                "RequestID": {"DataType": "String", "StringValue": invocation.request_id},
                "ErrorCode": {"DataType": "Number", "StringValue": "200"},
                "ErrorMessage": {"DataType": "String", "StringValue": str(error.get("errorMessage", ""))[:1000] or "failed"}})
        return event["Records"][0]["Sns"]["MessageId"]

    # Fixtures named by expectations.ROUTES.

    def fixture(self, name, allowed):
        if name.startswith("fresh_") and allowed:
            return FIXTURES[name](self)
        if name not in self.cache:
            self.cache[name] = FIXTURES[name](self)
        return self.cache[name]

    def fill(self, value, allowed):
        if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in FIXTURES:
            return self.fixture(value[1:-1], allowed)
        if isinstance(value, str):
            for name in FIXTURES:
                if "{" + name + "}" in value:
                    value = value.replace("{" + name + "}", str(self.fixture(name, allowed)))
            return value
        if isinstance(value, dict):
            return {k: self.fill(v, allowed) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v, allowed) for v in value]
        return value

    def contact_body(self, name, **opt_ins):
        phone = f"+9193309{next(self.phones):05d}"
        return {"name": name, "phone": phone, "email": f"rehearsal{phone[-5:]}@example.com",
                "optInWhatsApp": opt_ins.get("whatsapp", False), "optInSms": opt_ins.get("sms", False), "optInEmail": opt_ins.get("email", False)}

    def create_contact(self, body):
        answer = self.api("POST /api/contacts", "Operator", body=body, expect=201)
        self.contacts.append(answer.body["id"])
        return answer.body["id"]

    def create_job(self, body, expect):
        answer = self.api("POST /api/bulk/jobs", "Operator", body=body, expect=expect,
                          also=lambda a: None if "total" in a.body.get("progress", {}) else "the answer has no progress.total")
        recipients = answer.body["progress"]["total"]
        self.jobs[answer.body["id"]] = Job(body["channel"], recipients, "sent" if expect == 201 else "pending")
        return answer.body["id"]

    def pending_job_body(self):
        threshold = int(self.var("bulk-job-create", "BULK_CONFIRMATION_THRESHOLD"))
        if len(self.bulk_contacts) <= threshold:
            raise StepFailed("too few bulk contacts for a job that needs a confirmation")
        return {"channel": BULK_CHANNEL, "contactIds": self.bulk_contacts[:threshold + 1], **BULK_CONTENT}

    # The steps.

    def trigger_permissions(self):
        """Each trigger can invoke its function: API Gateway for routes, SNS for the subscription."""
        missing = [f"{f.name} by {principal}" for f in self.functions.values() for trigger, principal in TRIGGER_PRINCIPALS.items()
                   if getattr(f, trigger) and principal not in f.invoke_principals]
        self.ledger.check(self.env, "every trigger has an AWS::Lambda::Permission to invoke its function", not missing,
                          f"no permission to invoke {', '.join(missing)}")

    def contacts_with_opt_ins(self):
        body = self.contact_body("Rehearsal Recipient", whatsapp=True, sms=True, email=True)
        self.recipient = (self.create_contact(body), body["phone"])
        chunk = int(self.var("bulk-job-create", "BULK_CHUNK_SIZE"))
        for i in range(chunk + 5):   # two chunks
            self.bulk_contacts.append(self.create_contact(self.contact_body(f"Bulk Rehearsal {i + 1}", whatsapp=True, sms=True)))

    def inbound_events(self):
        subscribed = [f for f in self.functions.values() if f.topics]
        if len(subscribed) != 1:
            raise StepFailed(f"expected one function subscribed to the events topic, found {[f.name for f in subscribed]}")
        f = subscribed[0]
        number = self.var(f.name, "WHATSAPP_PHONE_NUMBER_ID_1")

        def event(entry, message_id=None):
            return events.eum(entry, region=self.stack.region, account=self.stack.account, phone_number_id=number, message_id=message_id)

        self.inbound["function"] = f.name
        text = ("919876500001", events.wamid())
        media_id = str(uuid.uuid4().int)[:15]
        self.provider.hold_media(media_id, JPEG, "image/jpeg")
        image = ("919876500002", events.wamid(), media_id)
        deliveries = [
            ("text", "SNS text message", event(events.inbound_text(text[0], "Asha", text[1], "Hello from the rehearsal")), text),
            ("media", "SNS media message", event(events.inbound_image(image[0], "Diego", image[1], media_id, "image/jpeg")), image),
            # An event cut short, as a broken publisher would send it.
            ("malformed", "SNS malformed event", event(events.inbound_text("919876500003", "Broken", events.wamid(), "cut"))[:80], None),
        ]
        if self.recipient is not None:
            # The recipient writes first, so its 24-hour window is open for the media message of POST /api/media.
            reply = (self.recipient[1].lstrip("+"), events.wamid())
            deliveries.append(("reply", "SNS text from the recipient", event(events.inbound_text(reply[0], "Rehearsal Recipient", reply[1], "Hi")), reply))
        for kind, what, message, record in deliveries:
            try:
                sns_id = self.publish(f.name, message, what, INBOUND[kind])
                self.inbound[kind] = record or sns_id
            except StepFailed:
                pass   # recorded; the next event still goes

    def deliver_invocations(self):
        """Lambda's asynchronous invocations of one function by another, delivered to that function's process
        (as Lambda delivers an Event invocation), until none is left; returns how many."""
        by_physical = {f.physical_name: n for n, f in self.functions.items()}
        delivered = 0
        for _ in range(10):
            pending = self.provider.take_invocations()
            if not pending:
                return delivered
            for name, payload in pending:
                target = by_physical.get(name.split(":")[-1]) or by_physical.get(name)
                if target is None:
                    raise StepFailed(f"an invocation of {name}, which is not a function of this stack")
                self.invoke(target, payload, f"invoked asynchronously ({', '.join(sorted(payload))})",
                            lambda i: None if i.outcome == "response" else f"{i.outcome}: {i.body.decode(errors='replace')[:300]}")
                delivered += 1
        raise StepFailed("functions kept invoking each other")

    def ai_suggestion(self):
        """One question through the AI flow: inbound → ai-query-kb (Retrieve) → ai-generate-response (InvokeAgent) →
        a pending interaction; returns its id."""
        if self.recipient is None:
            raise StepFailed("the recipient contact was not created")
        f = self.inbound.get("function")
        if f is None:
            raise StepFailed("no inbound function")
        message = events.eum(events.inbound_text(self.recipient[1].lstrip("+"), "Rehearsal Recipient", events.wamid(), AI_QUESTION),
                             region=self.stack.region, account=self.stack.account, phone_number_id=self.var(f, "WHATSAPP_PHONE_NUMBER_ID_1"))
        self.publish(f, message, "SNS question with AI automation on", INBOUND["text"])
        if self.deliver_invocations() != 2:
            raise StepFailed("the question did not go through ai-query-kb and ai-generate-response")
        answer = self.api("GET /api/ai/interactions", "Operator", query="status=pending&limit=1", expect=200)
        found = (answer.body or {}).get("interactions") or []
        if not found:
            raise StepFailed(f"no pending AI interaction after the question: {answer.text[:300]}")
        return found[0]["id"]

    def ai_suggestions(self):
        """AI automation (Req 15): off by default (a question invokes nothing), then on (Admin): a question gets
        a pending Bedrock suggestion; only the text and the conversation reach Bedrock."""
        asked = self.provider.take_invocations()
        self.ledger.check(self.env, "AI automation is off by default: the inbound texts invoked no AI function", not asked,
                          f"invocations: {[n for n, _ in asked]}")
        self.api("PUT /api/config", "Admin", body={"aiAutomation": True}, expect=200,
                 also=lambda a: None if a.body.get("aiAutomation") is True else f"aiAutomation is {a.body.get('aiAutomation')!r}")
        # Each function keeps the run-time settings it read for 5 s (RuntimeSettings): the inbound handler follows within that.
        time.sleep(5.5)
        before = len(self.provider.calls)
        interaction = self.fixture("ai_interaction", True)
        item = self.read.item(self.var("ai-generate-response", "AI_INTERACTIONS_TABLE"), interaction)
        self.ledger.check(self.env, "the suggestion is in AIInteractions, pending, from Bedrock", item is not None
                          and "pending" in strings(item) and "bedrock" in "".join(strings(item)), f"item: {str(item)[:300]}")
        calls = self.provider.calls[before:]
        bedrock = [c for c in calls if c.signing_service == "bedrock"]
        ops = sorted(c.operation for c in bedrock)
        self.ledger.check(self.env, "Bedrock was asked once: Retrieve, then InvokeAgent (signed for bedrock)",
                          ops == ["InvokeAgent", "Retrieve"] and all(c.status == 200 for c in bedrock), f"calls: {[(c.operation, c.status) for c in calls]}")
        sent = json.dumps([c.request for c in bedrock])
        leaked = [s for s in (self.recipient[1], self.recipient[1].lstrip("+"), self.recipient[0]) if s in sent]
        self.ledger.check(self.env, "no phone number or contact id reached Bedrock", AI_QUESTION in sent and not leaked,
                          f"leaked {leaked}" if leaked else "the question itself was not sent")

    def route_matrix(self):
        """Every route of the stack, once per role."""
        missing = sorted(set(self.routes) - set(ROUTES))
        if missing:
            self.ledger.check(self.env, "every route has an expectation", False, f"none for {missing} in expectations.ROUTES")
        for key in [k for k in ROUTES if k in self.routes]:
            expected = ROUTES[key]
            for role in ROLES:
                allowed = ROLES.index(role) >= ROLES.index(expected.minimum)
                try:
                    self.call_route(key, expected, role, allowed)
                except StepFailed:
                    pass   # recorded against the function (or its fixture's function) already
                except (KeyError, TypeError, AttributeError) as e:
                    self.ledger.check(self.env, f"{key} as {role}", False, f"the answer lacks what the next steps need: {e!r}")

    def call_route(self, key, expected, role, allowed):
        try:
            path = {k: self.fill(v, allowed) for k, v in expected.path.items()}
            query, body = self.fill(expected.query, allowed), self.fill(expected.body, allowed)
        except StepFailed as e:
            self.ledger.event(self.env, self.routes[key][0], f"{key} as {role}", False, f"not sent, its fixture failed: {e}")
            raise
        checks = []
        if allowed and expected.sends:
            status = SENT_STATUS[self.send_mode]
            checks.append(lambda a: None if a.body.get("status") == status else f"status {a.body.get('status')!r}, expected {status!r}")
        if allowed and key == "GET /api/dlq" and "malformed" in self.inbound:
            checks.append(lambda a: None if self.inbound["malformed"] in a.text else "the dead-lettered SNS event is not listed")
        if allowed and key == "GET /api/ui/config":
            # The hosted sign-in's app client: the template's UserPoolClientId, the authorizer's audience.
            checks.append(lambda a: None if ((a.body or {}).get("signIn") or {}).get("clientId") == self.client_id
                          else f"signIn is {(a.body or {}).get('signIn')!r}, expected the app client {self.client_id!r}")
        also = lambda a: next(filter(None, (c(a) for c in checks)), None)
        answer = self.api(key, role, path=path, query=query, body=body, expect=expected.status if allowed else 403, also=also)
        if not allowed:
            return
        if expected.sends:
            self.sends[expected.sends] += 1
            # An approved AI suggestion answers with the interaction; the message it sent is sentMessageId.
            self.messages.append(answer.body.get("sentMessageId") or answer.body["id"])
            if expected.sends == "whatsapp" and self.first_whatsapp is None:
                self.first_whatsapp = (answer.body["id"], answer.body.get("providerMessageId"))
        AFTER.get(key, lambda *_: None)(self, answer, path, body)

    def status_update(self):
        """A delivery status for the first WhatsApp message sent, as EUM Social reports it."""
        if self.first_whatsapp is None or self.recipient is None:
            raise StepFailed("no WhatsApp message was sent")
        message_id, provider_id = self.first_whatsapp
        if self.send_mode == "LIVE" and not provider_id:
            raise StepFailed("the LIVE send answered without providerMessageId")
        f = self.inbound.get("function")
        if f is None:
            raise StepFailed("no inbound function")
        entry = events.status(events.wamid(), "delivered", self.recipient[1].lstrip("+"))
        message = events.eum(entry, region=self.stack.region, account=self.stack.account,
                             phone_number_id=self.var(f, "WHATSAPP_PHONE_NUMBER_ID_1"), message_id=provider_id or str(uuid.uuid4()))
        self.publish(f, message, "SNS status update", INBOUND["status"])
        if self.send_mode == "LIVE":
            item = self.read.item(self.var("outbound-whatsapp", "MESSAGES_TABLE"), message_id)
            self.ledger.check(self.env, "the status update reached the sent message", item is not None and "delivered" in strings(item),
                              "" if item else f"message {message_id} is not in the Messages table")

    def bulk_job_end_to_end(self):
        """A job over the confirmation threshold: 202, confirm → 200, chunks through the worker, completed."""
        body = {"channel": BULK_CHANNEL, "filter": {"q": "Bulk Rehearsal", "optedInOnly": True}, **BULK_CONTENT}
        job = self.create_job(body, 202)
        if self.jobs[job].recipients != len(self.bulk_contacts):
            self.ledger.check(self.env, "the bulk job has every opted-in contact", False,
                              f"{self.jobs[job].recipients} recipients, expected {len(self.bulk_contacts)}")
        self.api("POST /api/bulk/jobs/{jobId}/confirm", "Operator", path={"jobId": job}, expect=200)
        self.jobs[job].expect = "sent"
        self.inbound["job"] = job
        worker = [f for f in self.functions.values() if f.queues]
        if len(worker) != 1:
            raise StepFailed(f"expected one function triggered by a queue, found {[f.name for f in worker]}")
        self.work_queue(worker[0], time.monotonic() + BULK_POLL_SECONDS)
        for job_id, j in self.jobs.items():
            self.final_state(job_id, j)
        size = int(self.var("bulk-job-create", "BULK_CHUNK_SIZE"))
        expected = sum(-(-j.recipients // size) for j in self.jobs.values() if j.expect in ("sent", "cancelled"))
        self.ledger.check(self.env, "bulk chunks were queued and worked", len(self.chunks) == expected,
                          f"{len(self.chunks)} chunk messages delivered, {expected} expected")
        report = self.api("GET /api/bulk/jobs/{jobId}/report", "Operator", path={"jobId": job}, expect=200)
        ok = report.text.count('"contactId"') == len(self.bulk_contacts)
        self.ledger.check(self.env, "the bulk report lists every recipient", ok, "" if ok else report.text[:300])

    def scheduled_functions(self):
        """Each scheduled function gets the event its EventBridge rule sends (the bulk reconcile: every job's
        recipients, queue and report brought in line; after the job above, nothing left to do)."""
        for f in self.functions.values():
            for schedule in f.schedules:
                def check(invocation):
                    if invocation.outcome != SCHEDULED:
                        return f"expected a {SCHEDULED}, got {invocation.outcome}: {invocation.body.decode(errors='replace')[:300]}"
                    return None
                self.invoke(f.name, events.scheduled(schedule.rule_arn, self.stack.region, self.stack.account), f"scheduled {schedule.expression}", check)

    def work_queue(self, worker, deadline):
        """The event source mapping: receive, invoke, delete what succeeded; until the jobs are done."""
        trigger, sqs = worker.queues[0], self.client("sqs")
        while time.monotonic() < deadline:
            received = sqs.receive_message(QueueUrl=trigger.queue_url, MaxNumberOfMessages=min(10, trigger.batch_size),
                                           WaitTimeSeconds=1, AttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages", [])
            for start in range(0, len(received), trigger.batch_size):
                batch = received[start:start + trigger.batch_size]
                self.chunks.update(m["MessageId"] for m in batch)
                result = {}

                def check(invocation):
                    result["outcome"] = invocation.outcome
                    if invocation.outcome == "error":
                        return f"the function failed: {invocation.body.decode(errors='replace')[:300]}"
                    reported = (invocation.json() or {}).get("batchItemFailures", []) if trigger.reports_failures else []
                    result["failed"] = {f.get("itemIdentifier") for f in reported}
                    return f"reported as failed: {sorted(result['failed'])}" if result["failed"] else None
                try:
                    self.invoke(worker.name, events.sqs(batch, trigger.queue_arn, self.stack.region), f"SQS batch of {len(batch)}", check)
                except StepFailed:
                    pass
                # A failed invocation leaves the whole batch to come back after the visibility timeout.
                if result.get("outcome") == "response":
                    for m in batch:
                        if m["MessageId"] not in result["failed"]:
                            sqs.delete_message(QueueUrl=trigger.queue_url, ReceiptHandle=m["ReceiptHandle"])
            if not received and self.jobs_finished():
                return
        late = [f"{j[:8]} ({self.jobs[j].recipients} recipients)" for j in self.jobs
                if self.jobs[j].expect in ("sent", "cancelled") and j not in self.finished]
        raise StepFailed(f"bulk jobs not finished after {BULK_POLL_SECONDS} s: {', '.join(late)}; "
                         f"{len(self.chunks)} chunk messages were delivered to the worker")

    def jobs_finished(self):
        """Polls the jobs that must finish through bulk-job-control (each until it has)."""
        for job_id, j in self.jobs.items():
            if j.expect in ("sent", "cancelled") and job_id not in self.finished:
                answer = self.api("GET /api/bulk/jobs/{jobId}", "Operator", path={"jobId": job_id}, expect=200)
                if answer.body.get("status") not in ("completed", "cancelled"):
                    return False
                self.finished.add(job_id)
        return True

    def final_state(self, job_id, j):
        if j.expect == "deleted":
            self.api("GET /api/bulk/jobs/{jobId}", "Operator", path={"jobId": job_id}, expect=404)
            return
        answer = self.api("GET /api/bulk/jobs/{jobId}", "Operator", path={"jobId": job_id}, expect=200)
        status, progress = answer.body.get("status"), answer.body.get("progress", {})
        want = {"sent": ("completed", j.recipients), "cancelled": ("cancelled", 0), "pending": ("pending", 0)}[j.expect]
        ok = (status, progress.get("sent")) == want and progress.get("failed") == 0
        self.ledger.check(self.env, f"bulk job {job_id[:8]} ends {want[0]} with {want[1]} sent", ok,
                          "" if ok else f"status {status}, progress {progress}")

    def records_in_aws(self):
        """What the functions wrote, read back from DynamoDB, S3 and SQS."""
        check = lambda what, ok, detail="": self.ledger.check(self.env, what, bool(ok), detail)
        contacts = self.var("contacts-create", "CONTACTS_TABLE")
        missing = [c for c in self.contacts if self.read.item(contacts, c) is None]
        check(f"{len(self.contacts)} contacts created through the API are in {contacts}", self.contacts and not missing,
              f"missing {missing[:3]}" if self.contacts else "no contact was created")
        messages = self.var("outbound-whatsapp", "MESSAGES_TABLE")
        missing = [m for m in self.messages if self.read.item(messages, m) is None]
        check(f"{len(self.messages)} messages sent through the API are in {messages}", self.messages and not missing,
              f"missing {missing[:3]}" if self.messages else "no message was sent")
        f = self.inbound.get("function")
        if f is None:
            raise StepFailed("no inbound events were delivered")
        for kind in ("text", "media"):
            if kind in self.inbound:
                sender, wamid = self.inbound[kind][:2]
                check(f"the inbound {kind} message is in {messages}", self.read.items_with(messages, wamid))
                check(f"its unknown sender became a contact in {contacts}", self.read.items_with(contacts, "+" + sender))
        if "media" in self.inbound:
            bucket, prefix = self.var(f, "MEDIA_BUCKET"), self.var(f, "MEDIA_INBOUND_PREFIX")
            records = self.read.items_with(self.var(f, "MEDIA_FILES_TABLE"), self.inbound["media"][2])
            keys = [s for r in records for s in strings(r) if s.startswith(prefix)]
            check(f"a media record names the image under s3://{bucket}/{prefix}", keys, f"records: {records[:1]}")
            stored = self.read.keys(bucket, prefix)
            check("the media record's key names the object in S3", keys and all(k in stored for k in keys),
                  f"record {keys[:1]}, objects {stored[:3]}")
        if "job" in self.inbound:
            bucket, prefix = self.var("bulk-worker", "REPORT_BUCKET"), self.var("bulk-worker", "REPORT_PREFIX")
            reports = self.read.keys(bucket, prefix)
            check(f"the completed job's report is under s3://{bucket}/{prefix}", f"{prefix}{self.inbound['job']}-complete.json" in reports, f"found {reports[:4]}")
            for job_id in (k for k, j in self.jobs.items() if j.expect == "cancelled"):
                check("a cancelled job's partial report is there too", f"{prefix}{job_id}-partial.json" in reports, f"found {reports[:4]}")
            check("the bulk queue was drained", self.read.queue_depth(self.functions["bulk-worker"].queues[0].queue_url) == 0)
        audit = self.read.scan(self.var("contacts-create", "AUDIT_TABLE"))
        check("AuditLogs holds the changes and the refusals", any("forbidden" in strings(a) for a in audit)
              and any("allowed" in strings(a) for a in audit), f"{len(audit)} entries")
        if "malformed" in self.inbound:
            dlq = self.var("dlq-replay", "DLQ_MESSAGES_TABLE")
            check(f"the malformed event is kept in {dlq}", self.read.items_with(dlq, self.inbound["malformed"]))
            queue = self.functions[f].dead_letter_queue_url
            check("the inbound dead-letter queue was drained into it", queue is None or self.read.queue_depth(queue) == 0)

    def provider_calls(self):
        """Provider calls: in LIVE exactly one per message sent, in DRY_RUN none."""
        calls = self.provider.take()
        live = self.send_mode == "LIVE"
        bulk = Counter()
        for job in self.jobs.values():
            if job.expect == "sent":
                bulk[job.channel] += job.recipients
        for channel, operation in PROVIDER_OPERATION.items():
            wanted = self.sends[channel] + bulk[channel]
            expected = wanted if live else 0
            if operation:
                made = [c for c in calls if c.operation == operation]
                accepted = sum(c.status == 200 for c in made)
                refused = [c.answer for c in made if c.status != 200][:2]
            else:
                made, accepted, refused = None, self.ses_sent() - self.ses_before, []
            # A count of nothing proves nothing: every channel must have had messages to send.
            ok = wanted > 0 and accepted == expected and (made is None or len(made) == expected)
            self.ledger.check(self.env, f"{channel}: {wanted} messages ({self.sends[channel]} direct, {bulk[channel]} in bulk jobs) → "
                                        f"{accepted} provider calls ({operation or 'SES SendEmail'}), {expected} expected", ok,
                              "no message was sent on this channel" if not wanted else
                              f"{len(made) if made is not None else accepted} calls, refused: {refused}")
        # POST /api/media is called once per role allowed to send; each call uploads its file once.
        uploads = sum(c.operation == "PostWhatsAppMessageMedia" and c.status == 200 for c in calls)
        media_calls = sum(ROLES.index(r) >= ROLES.index(ROUTES["POST /api/media"].minimum) for r in ROLES)
        expected_uploads = media_calls if live else 0
        self.ledger.check(self.env, f"POST /api/media uploaded each file once (PostWhatsAppMessageMedia: {uploads}, {expected_uploads} expected)",
                          uploads == expected_uploads)
        media = sum(c.operation == "GetWhatsAppMessageMedia" and c.status == 200 for c in calls)
        self.ledger.check(self.env, f"the inbound image was fetched once (GetWhatsAppMessageMedia: {media})", media == 1,
                          "" if "media" in self.inbound else "the media event was not delivered")

    def ses_sent(self):
        return int(self.client("ses").get_send_quota()["SentLast24Hours"])


def _recipient(s):
    if s.recipient is None:
        raise StepFailed("the recipient contact was not created")
    return s.recipient[0]


FIXTURES = {
    "recipient": _recipient,
    "fresh_contact_body": lambda s: s.contact_body("Rehearsal Extra", sms=True),
    "fresh_contact": lambda s: s.create_contact(s.contact_body("Rehearsal Disposable")),
    "queued_job": lambda s: s.create_job(ROUTES["POST /api/bulk/jobs"].body | {"contactIds": [s.fixture("recipient", True)]}, 201),
    "fresh_queued_job": lambda s: s.create_job(ROUTES["POST /api/bulk/jobs"].body | {"contactIds": [s.fixture("recipient", True)]}, 201),
    "fresh_pending_job": lambda s: s.create_job(s.pending_job_body(), 202),
    "ai_interaction": lambda s: s.ai_suggestion(),
    "fresh_ai_interaction": lambda s: s.ai_suggestion(),
}


def _job_created(s, answer, path, body):
    s.jobs[answer.body["id"]] = Job(body["channel"], answer.body["progress"]["total"], "sent")


# What an allowed call changes in what the rehearsal expects later: (rehearsal, answer, path, body).
AFTER = {
    "POST /api/contacts": lambda s, a, p, b: s.contacts.append(a.body["id"]),
    "POST /api/bulk/jobs": _job_created,
    "POST /api/bulk/jobs/{jobId}/confirm": lambda s, a, p, b: setattr(s.jobs[p["jobId"]], "expect", "sent"),
    "PUT /api/bulk/jobs/{jobId}": lambda s, a, p, b: setattr(s.jobs[p["jobId"]], "expect", "cancelled"),
    "DELETE /api/bulk/jobs/{jobId}": lambda s, a, p, b: setattr(s.jobs[p["jobId"]], "expect", "deleted"),
}
