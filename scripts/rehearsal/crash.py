"""`scripts/crash-test --store dynamodb`: exactly-once bulk sending in AWS, with workers killed.

Per run: moto on loopback (DynamoDB behind a one-request-at-a-time proxy, as DynamoDB applies each
conditional write atomically and moto does not), the production stack (LIVE) deployed with `wecare
deploy`, a recording provider for WhatsApp. RECIPIENTS contacts and one WhatsApp template job to them
are created through the API functions; WORKERS bulk-worker processes, each under its own Lambda
Runtime API with a DEADLINE-second invocation deadline, take the bulk queue's chunks as the event
source mapping delivers them (batches of 1, a short visibility so a killed worker's chunk comes back);
bulk-reconcile gets its scheduled event every few seconds. KILLS times per run, at random moments, a
busy worker process is killed with SIGKILL and a new one cold-started. When the job has completed
(and its report is written), every recipient's provider calls are counted.

Prints per run "provider calls: N for N recipients, missing M, twice T, stuck S" (and how many ended
`interrupted`: LIVE sends whose outcome a kill made unknown, never sent again) and exits 1 if any run
has a recipient missing, called twice or stuck.
"""
import argparse
import base64
import dataclasses
import http.client
import json
import os
import random
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import deploy, events, existing, lambda_env
from .function import FunctionProcess
from .moto import REGION, MotoServer
from .provider import RecordingProvider
from .report import Ledger
from .scenarios import BULK_CONTENT, Rehearsal
from .template import Stack

ROOT = Path(__file__).resolve().parents[2]


class SerialProxy:
    """Forwards every request to `target` one at a time."""

    def __init__(self, target):
        host, port = target.replace("http://", "").split(":")
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lock:
                    conn = http.client.HTTPConnection(host, int(port), timeout=60)
                    conn.request("POST", self.path, body, {k: v for k, v in self.headers.items() if k.lower() != "connection"})
                    r = conn.getresponse()
                    data, status, headers = r.read(), r.status, r.getheaders()
                    conn.close()
                self.send_response(status)
                for k, v in headers:
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass   # a killed worker's connection resets: not the proxy's error

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Slot:
    """One worker: its process, restarted after each kill."""

    def __init__(self, index, function, start):
        self.index, self.function, self.start = index, function, start
        self.process = start(index)
        self.busy = False
        self.busy_since = 0.0
        self.lock = threading.Lock()

    def kill(self):
        with self.lock:
            if self.busy and self.process.process and self.process.process.poll() is None:
                self.process.process.kill()
                return True
        return False

    def restart(self):
        self.process.stop()
        self.process = self.start(self.index)


def run_once(args, number, work):
    work.mkdir(parents=True, exist_ok=True)
    with MotoServer(existing.account(), work / "moto.log") as aws:
        existing.create(aws.url)
        proxy = SerialProxy(aws.url)
        provider = RecordingProvider(lambda *a: None)
        processes = []
        try:
            environment, stack_name, _ = deploy.deploy(args.wecare, "main", aws.url)
            stack = Stack(aws.client, stack_name, REGION)
            functions = {f.name: f for f in stack.functions()}
            for t in (t for f in functions.values() for t in f.queues):
                aws.client("lambda").update_event_source_mapping(UUID=t.mapping_id, Enabled=False)
            task_root = os.path.dirname(os.path.abspath(args.service))

            def start(function, directory):
                def env_for(runtime_api):
                    env = lambda_env.environment(function, region=REGION, runtime_api=runtime_api, moto_url=aws.url,
                                                 provider_url=provider.url, task_root=task_root)
                    env["AWS_ENDPOINT_URL_DYNAMODB"] = proxy.url
                    return env
                p = FunctionProcess(function, args.service, env_for, work / directory).start()
                processes.append(p)
                if not p.ready:
                    raise SystemExit(f"{function.name} did not start: {p.init_failure}\n{p.output_tail()}")
                return p

            api = {name: start(functions[name], "api") for name in ("contacts-create", "bulk-job-create")}
            ledger = Ledger()
            for p in api.values():
                ledger.started(environment, p)
            rehearsal = Rehearsal(environment, stack, api, aws.client, provider, ledger)
            phones = {}
            for i in range(args.recipients):
                body = rehearsal.contact_body(f"Crash {i}", whatsapp=True)
                phones[rehearsal.create_contact(body)] = body["phone"].lstrip("+")
            job = rehearsal.create_job({"channel": "whatsapp", "contactIds": list(phones), **BULK_CONTENT}, 202)
            rehearsal.api("POST /api/bulk/jobs/{jobId}/confirm", "Operator", path={"jobId": job}, expect=200)

            # Lambda's deadline for the workers: short, so a killed worker's lease (deadline + 30 s) ends soon.
            worker_fn = dataclasses.replace(functions["bulk-worker"], timeout=args.deadline)
            slots = [Slot(i, worker_fn, lambda i: start(worker_fn, f"worker-{i}")) for i in range(args.workers)]
            reconciler = start(functions["bulk-reconcile"], "reconcile")
            rule = (functions["bulk-reconcile"].schedules or [None])[0]
            queue = functions["bulk-worker"].queues[0]
            sqs, dynamodb = aws.client("sqs"), aws.client("dynamodb")
            jobs_table = functions["bulk-worker"].environment["BULK_JOBS_TABLE"]
            recipients_table = functions["bulk-worker"].environment["BULK_RECIPIENTS_TABLE"]
            done = threading.Event()
            kills = []

            def job_state():
                item = dynamodb.get_item(TableName=jobs_table, Key={"jobId": {"S": job}}, ConsistentRead=True).get("Item", {})
                return item.get("status", {}).get("S"), "reportKey" in item

            def mapping(slot):
                while not done.is_set():
                    got = sqs.receive_message(QueueUrl=queue.queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=1,
                                              VisibilityTimeout=args.visibility, AttributeNames=["All"]).get("Messages", [])
                    if not got:
                        continue
                    with slot.lock:
                        slot.busy, slot.busy_since = True, time.monotonic()
                    invocation = slot.process.invoke(events.sqs(got, queue.queue_arn, REGION))
                    with slot.lock:
                        slot.busy = False
                    if invocation.outcome == "response":
                        failed = {f.get("itemIdentifier") for f in (invocation.json() or {}).get("batchItemFailures", [])}
                        if got[0]["MessageId"] not in failed:
                            try:
                                sqs.delete_message(QueueUrl=queue.queue_url, ReceiptHandle=got[0]["ReceiptHandle"])
                            except sqs.exceptions.ReceiptHandleIsInvalid:
                                pass   # it became visible during a long invocation and was received again: that delivery deletes it
                    elif invocation.outcome != "error":
                        slot.restart()   # killed (or timed out): Lambda starts a new sandbox; the chunk comes back

            def killer():
                # At a random moment of a random invocation: one that has been sending for a random 0.3–3 s,
                # so that kills land anywhere in a chunk, between a claim and its answer too.
                while len(kills) < args.kills and not done.is_set():
                    time.sleep(random.uniform(0.05, 0.6))
                    after = random.uniform(0.3, 3.0)
                    busy = [s for s in slots if s.busy and time.monotonic() - s.busy_since >= after]
                    if busy and random.choice(busy).kill():
                        kills.append(time.monotonic())

            def reconcile():
                while not done.is_set():
                    time.sleep(3)
                    if rule:
                        reconciler.invoke(events.scheduled(rule.rule_arn, REGION, stack.account))

            threads = [threading.Thread(target=mapping, args=(s,), daemon=True) for s in slots]
            threads += [threading.Thread(target=killer, daemon=True), threading.Thread(target=reconcile, daemon=True)]
            for t in threads:
                t.start()
            started = time.monotonic()
            while time.monotonic() - started < args.timeout:
                status, reported = job_state()
                if status == "completed" and reported:
                    break
                time.sleep(0.5)
            done.set()
            for t in threads:
                t.join(5)
            status, reported = job_state()

            calls = Counter()
            for call in provider.take():
                if call.operation == "SendWhatsAppMessage" and call.status == 200:
                    calls[json.loads(base64.b64decode(call.request["message"]))["to"]] += 1
            states = {}
            start_key = None
            while True:
                page = dynamodb.query(TableName=recipients_table, KeyConditionExpression="jobId = :j",
                                      ExpressionAttributeValues={":j": {"S": job}}, ConsistentRead=True,
                                      **({"ExclusiveStartKey": start_key} if start_key else {}))
                for item in page["Items"]:
                    states[item["contactId"]["S"]] = item["status"]["S"]
                start_key = page.get("LastEvaluatedKey")
                if not start_key:
                    break
            missing = sum(1 for c, s in states.items() if calls[phones[c]] == 0 and s != "interrupted")
            twice = sum(1 for c in states if calls[phones[c]] > 1)
            stuck = sum(1 for s in states.values() if s in ("pending", "sending")) + (0 if status == "completed" and reported else 1)
            interrupted = sum(1 for s in states.values() if s == "interrupted")
            recovered = 0   # recipients the scheduled reconcile took over from a killed worker's claim
            for line in (work / "reconcile" / "bulk-reconcile" / "stdout").read_text(errors="replace").splitlines():
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if event.get("event") == "bulk_reconciled":
                    recovered += sum(int(event.get(k, 0)) for k in ("settledRecipients", "pendingAgain", "interrupted"))
            print(f"run {number}: {len(kills)} kills, job {status}{' with its report' if reported else ', no report'}, "
                  f"states {dict(sorted(Counter(states.values()).items()))} in {time.monotonic() - started:.0f} s")
            print(f"provider calls: {sum(calls.values())} for {len(states)} recipients, missing {missing}, twice {twice}, stuck {stuck}"
                  f" (interrupted {interrupted}; claims of killed workers recovered by the reconcile: {recovered})", flush=True)
            if len(kills) < args.kills:
                print(f"the job ended after {len(kills)} of {args.kills} kills: use more recipients (RECIPIENTS)")
            return missing == 0 and twice == 0 and stuck == 0 and len(states) == args.recipients and len(kills) == args.kills
        finally:
            for p in processes:
                p.stop()
            provider.close()
            proxy.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wecare", default=str(ROOT / ".build/debug/wecare"))
    parser.add_argument("--service", default=str(ROOT / ".build/debug/wecare-service"))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", 5)))
    parser.add_argument("--kills", type=int, default=int(os.environ.get("KILLS", 5)))
    parser.add_argument("--recipients", type=int, default=int(os.environ.get("RECIPIENTS", 200)))
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--deadline", type=int, default=10, help="seconds each worker invocation is given")
    parser.add_argument("--visibility", type=int, default=5, help="the mapping's visibility timeout for a received chunk")
    parser.add_argument("--timeout", type=int, default=300, help="seconds a run may take")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wecare-crash-"))
    ok = all([run_once(args, n + 1, work / f"run-{n + 1}") for n in range(args.runs)])
    print("PASS: every recipient exactly one provider call or interrupted, in every run" if ok else f"FAIL (logs: {work})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
