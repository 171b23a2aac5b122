"""`scripts/rehearse`: the production rehearsal, start to finish.

moto on a free loopback port; the existing resources; the preview and production stacks deployed
with `wecare deploy`; then, per environment, every function of the stack started from the built
binary under its own Runtime API and fed its trigger events (scenarios.py). Prints a table and
PASS or FAIL; exits 0 only on PASS. Everything it starts is stopped on the way out, also on
Ctrl-C or SIGTERM.
"""
import argparse
import atexit
import glob
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from . import deploy, existing, lambda_env, sandbox
from .function import FunctionProcess
from .moto import REGION, MotoServer
from .provider import RecordingProvider
from .report import Ledger
from .resolve import Unresolvable
from .scenarios import Rehearsal, StepFailed
from .template import Stack

ROOT = Path(__file__).resolve().parents[2]
BRANCHES = ("feature/rehearsal", "main")   # preview (DRY_RUN), then production (LIVE)


def options(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--wecare", default=str(ROOT / ".build/debug/wecare"), help="the deploy agent (default: the debug build)")
    parser.add_argument("--service", default=str(ROOT / ".build/debug/wecare-service"),
                        help="the runtime: wecare-service (started as `<it> lambda`) or a bundle's `bootstrap` (started alone)")
    args = parser.parse_args()
    for path in (args.wecare, args.service):
        if not os.access(path, os.X_OK):
            sys.exit(f"{path} is not an executable: build it first (swift build)")
    args.service = outside_tmp(args.service)
    return args


def outside_tmp(service):
    """The runtime where a function can start it. Each function gets a /tmp of its own, which hides a runtime that
    lies under /tmp (a checkout there, as CI may make): such a runtime is copied, with the resource bundles beside
    it, to a folder under /var/tmp that is removed on the way out."""
    real = os.path.realpath(service)
    if not (sandbox.private_tmp_available() and real.startswith(os.path.realpath("/tmp") + "/")):
        return service
    stage = tempfile.mkdtemp(prefix="wecare-rehearsal-runtime-", dir="/var/tmp" if os.access("/var/tmp", os.W_OK) else str(Path.home()))
    atexit.register(shutil.rmtree, stage, True)
    staged = os.path.join(stage, os.path.basename(real))
    shutil.copy2(real, staged)
    for bundle in glob.glob(os.path.join(os.path.dirname(real), "*.resources")):
        shutil.copytree(bundle, os.path.join(stage, os.path.basename(bundle)))
    print(f"{service} is under /tmp, which each function gets a private one of: running a copy in {stage}", flush=True)
    return staged


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def stop_on_sigterm():
    """SIGTERM unwinds like Ctrl-C, so every `finally` stops what it started."""
    signal.signal(signal.SIGTERM, _interrupt)


def environment_for(function, service, aws, provider):
    """The `env_for(runtime_api)` of a FunctionProcess: the function's environment in this rehearsal."""
    task_root = os.path.dirname(os.path.abspath(service))

    def env_for(runtime_api):
        return lambda_env.environment(function, region=REGION, runtime_api=runtime_api, moto_url=aws.url,
                                      provider_url=provider.url, task_root=task_root)
    return env_for


def start_functions(functions, service, aws, provider, work):
    """Cold-starts every function, one at a time (so no start competes with another for the CPU)."""
    return {f.name: FunctionProcess(f, service, environment_for(f, service, aws, provider), work).start() for f in functions}


def main():
    args = options("Deploy preview and production into moto and run every function under an emulated Lambda.")
    stop_on_sigterm()
    started = time.monotonic()
    ledger = Ledger()
    work = Path(tempfile.mkdtemp(prefix="wecare-rehearsal-"))
    if not sandbox.private_tmp_available():
        ledger.note("no private /tmp per function (needs root): the function processes share this machine's /tmp")
    try:
        with MotoServer(existing.account(), work / "moto.log") as aws:
            existing.create(aws.url)
            s3 = aws.client("s3")
            provider = RecordingProvider(lambda bucket, key, data, mime: s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType=mime))
            try:
                for branch in BRANCHES:
                    rehearse(branch, args, aws, provider, ledger, work)
            finally:
                provider.close()
    except (deploy.DeployFailed, Unresolvable, StepFailed) as e:
        ledger.check("-", "rehearsal set-up", False, str(e))
    except KeyboardInterrupt:
        ledger.check("-", "rehearsal", False, "interrupted")
    ledger.print(print)
    verdict = "PASS" if ledger.passed else "FAIL"
    print(f"\n{verdict}: {len(ledger.functions)} function starts, {sum(r.total for r in ledger.functions.values())} events, "
          f"{len(ledger.checks)} checks in {time.monotonic() - started:.0f} s")
    if ledger.passed:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"logs of every process: {work}")
    return 0 if ledger.passed else 1


def rehearse(branch, args, aws, provider, ledger, work):
    environment, stack_name, seconds = deploy.deploy(args.wecare, branch, aws.url)
    stack = Stack(aws.client, stack_name, REGION)
    functions = stack.functions()
    print(f"== {environment}: `wecare deploy --branch {branch}` created stack {stack_name} in {seconds:.1f} s; "
          f"{len(functions)} functions", flush=True)
    if stack.not_created:
        ledger.note(f"{environment}: moto did not create {', '.join(stack.not_created)}; their triggers are played from the template")
    # moto runs an SQS event source mapping itself (invoking its own Lambda emulation on every send),
    # which would take chunks off the queue before the rehearsal's mapping sees them.
    for trigger in (t for f in functions for t in f.queues):
        aws.client("lambda").update_event_source_mapping(UUID=trigger.mapping_id, Enabled=False)
    processes = start_functions(functions, args.service, aws, provider, work / environment)
    for p in processes.values():
        ledger.started(environment, p)
    ready = sum(p.ready for p in processes.values())
    print(f"   {ready}/{len(processes)} functions initialised; delivering events", flush=True)
    try:
        Rehearsal(environment, stack, processes, aws.client, provider, ledger).run()
    finally:
        for p in processes.values():
            p.stop()


if __name__ == "__main__":
    sys.exit(main())
