"""What the rehearsal found, kept as it goes and printed at the end: one row per function and
environment (init, events served, init time), the environment-wide checks, then every failure
with enough detail to act on (an init error comes with the process's own output).
"""
from dataclasses import dataclass, field


@dataclass
class FunctionRow:
    init_ok: bool = False
    init_ms: float = None
    init_failure: str = None
    output: str = ""
    served: int = 0
    total: int = 0
    failures: list = field(default_factory=list)


class Ledger:
    def __init__(self):
        self.functions = {}   # (environment, function) → FunctionRow
        self.checks = []      # (environment, what, ok, detail)
        self.notes = []

    def started(self, environment, process):
        """Records a function process's cold start (a function.FunctionProcess)."""
        self.functions[(environment, process.function.name)] = FunctionRow(
            init_ok=process.init_failure is None, init_ms=process.init_ms, init_failure=process.init_failure,
            output="" if process.init_failure is None else process.output_tail())

    def event(self, environment, function, what, ok, detail=""):
        row = self.functions[(environment, function)]
        row.total += 1
        row.served += ok
        if not ok:
            row.failures.append(f"{what}: {detail}")

    def check(self, environment, what, ok, detail=""):
        self.checks.append((environment, what, ok, detail))

    def note(self, text):
        self.notes.append(text)

    @property
    def passed(self):
        return bool(self.functions) and all(r.init_ok and r.served == r.total for r in self.functions.values()) \
            and all(ok for _, _, ok, _ in self.checks)

    def print(self, out):
        width = max([len(f) for _, f in self.functions] + [8])
        out(f"\n{'environment':<12} {'function':<{width}}  init   events    init ms")
        for (environment, function), r in self.functions.items():
            events = f"{r.served}/{r.total}"
            ms = f"{r.init_ms:9.1f}" if r.init_ms is not None else "        –"
            out(f"{environment:<12} {function:<{width}}  {'ok' if r.init_ok else 'FAIL':<5}  {events:>7}  {ms}")
        if self.checks:
            out("\nchecks:")
            for environment, what, ok, detail in self.checks:
                out(f"  {environment:<11} {'ok  ' if ok else 'FAIL'}  {what}")
        not_started = {}
        for (environment, function), r in self.functions.items():
            if not r.init_ok:
                not_started.setdefault((r.init_failure, r.output), []).append(f"{environment} {function}")
        failing = [(k, r) for k, r in self.functions.items() if r.init_ok and r.failures]
        failed_checks = [c for c in self.checks if not c[2]]
        if not_started or failing or failed_checks:
            out("\nfailures:")
        for (failure, output), where in not_started.items():
            out(f"  did not initialise ({len(where)}: {', '.join(where)}):\n      {failure}")
            out("\n".join("      " + line for line in output.splitlines()))
        if not_started:
            out("  (the events for functions that did not initialise count as not served)")
        for (environment, function), r in failing:
            for f in r.failures[:8]:
                out(f"  {environment} {function}: {f}")
            if len(r.failures) > 8:
                out(f"  {environment} {function}: … and {len(r.failures) - 8} more")
        for environment, what, _, detail in failed_checks:
            out(f"  {environment} check: {what}" + (f": {detail}" if detail else ""))
        for note in self.notes:
            out(f"\nnote: {note}")
