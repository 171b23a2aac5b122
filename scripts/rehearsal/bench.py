"""`scripts/bench-cold-start`: how long each function takes from the bootstrap's start to its first
request for work, the part of a cold start the runtime controls (Lambda's Init Duration).

The production stack is deployed into moto once; then every function is started RUNS times with
exactly its deployed environment, under the rehearsal's Runtime API, each time in a fresh sandbox
(an empty private /tmp, as a new Lambda sandbox has). Runs go round the functions, so a noisy
moment of the machine spreads over all of them instead of spoiling one.
"""
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from . import deploy, existing
from .function import FunctionProcess
from .moto import REGION, MotoServer
from .provider import RecordingProvider
from .rehearse import ROOT, environment_for, options, stop_on_sigterm
from .template import Stack

RUNS = 20
BRANCH = "main"   # production
TARGET_MS = {False: 50, True: 80}   # p50, by whether the function serves HTTP routes
ZIP = ROOT / ".build/lambda/bootstrap.zip"
ZIP_TARGET_MB = 30


def percentile(values, p):
    """Nearest-rank percentile (p99 of 20 runs is the slowest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main():
    args = options("Start every function of the production stack repeatedly and report its init time.")
    stop_on_sigterm()
    work = Path(tempfile.mkdtemp(prefix="wecare-cold-start-"))
    with MotoServer(existing.account(), work / "moto.log") as aws:
        existing.create(aws.url)
        environment, stack_name, _ = deploy.deploy(args.wecare, BRANCH, aws.url)
        functions = Stack(aws.client, stack_name, REGION).functions()
        provider = RecordingProvider(lambda *_: None)
        times = {f.name: [] for f in functions}
        failures = {}
        print(f"{len(functions)} functions of {environment} ({stack_name}), {RUNS} cold starts each, runtime {args.service}", flush=True)
        try:
            for run in range(RUNS):
                for f in functions:
                    process = FunctionProcess(f, args.service, environment_for(f, args.service, aws, provider), work).start()
                    process.stop()
                    if process.init_ms is None:
                        failures.setdefault(f.name, process.init_failure)
                    else:
                        times[f.name].append(process.init_ms)
        finally:
            provider.close()
    print_results(functions, times, failures)
    return 0


def print_results(functions, times, failures):
    width = max(len(f.name) for f in functions)
    print(f"\n{'function':<{width}}  routes  starts   p50 ms   p99 ms  target p50")
    for f in functions:
        t, target = times[f.name], TARGET_MS[bool(f.routes)]
        if t:
            p50 = statistics.median(t)
            verdict = "ok" if p50 <= target else "over"
            print(f"{f.name:<{width}}  {'yes' if f.routes else 'no':>6}  {len(t):>6}  {p50:7.1f}  {percentile(t, 99):7.1f}  ≤ {target} ms {verdict}")
        else:
            print(f"{f.name:<{width}}  {'yes' if f.routes else 'no':>6}  {0:>6}        –        –  ≤ {target} ms (no start succeeded)")
    every = [x for t in times.values() for x in t]
    if every:
        print(f"{'all functions':<{width}}  {'':>6}  {len(every):>6}  {statistics.median(every):7.1f}  {percentile(every, 99):7.1f}")
    if ZIP.exists():
        size = os.path.getsize(ZIP) / 1e6
        print(f"\n{ZIP.relative_to(ROOT)}: {size:.1f} MB zipped (target ≤ {ZIP_TARGET_MB} MB) {'ok' if size <= ZIP_TARGET_MB else 'over'}")
    else:
        print(f"\n{ZIP.relative_to(ROOT)}: not present (scripts/bundle writes it)")
    grouped = {}
    for name, failure in failures.items():
        grouped.setdefault(failure, []).append(name)
    for failure, names in grouped.items():
        print(f"\nstarts failed ({', '.join(names)}):\n  {failure}")


if __name__ == "__main__":
    started = time.monotonic()
    status = main()
    print(f"({time.monotonic() - started:.0f} s)")
    sys.exit(status)
