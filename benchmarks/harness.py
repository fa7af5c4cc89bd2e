"""Runs the workers: one long-lived process per tool, fits requested in interleaved rounds.

The tools alternate (each round starts at a different one), round 0 is a warm-up, and every
worker times only its fit, in-process. A fit over ``cap`` seconds kills its worker and the
tool reads "> cap" for the workload.
"""

import json
import os
import select
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .tools import TOOL, argv

REPO = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 300.0


class Worker:
    """A worker process speaking the line protocol (READY / RUN / RESULT | ERROR / QUIT)."""

    def __init__(self, cmd, stderr_path):
        self.stderr_path = stderr_path
        self._err = open(stderr_path, "wb")
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._err,
            start_new_session=True,
            cwd=REPO,
        )
        self._buf = b""

    def _readline(self, deadline):
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    return ""  # EOF: the worker died
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.decode(errors="replace").strip()

    def expect(self, timeout):
        """("READY"|"RESULT"|"ERROR", payload) or ("TIMEOUT", None) or ("DIED", None)."""
        deadline = time.monotonic() + timeout
        while True:
            line = self._readline(deadline)
            if line is None:
                return "TIMEOUT", None
            if line == "" and self.proc.poll() is not None:
                return "DIED", None
            for tag in ("READY", "RESULT", "ERROR"):
                if line.startswith(tag):
                    return tag, line[len(tag) :].strip()

    def send(self, cmd):
        try:
            self.proc.stdin.write((cmd + "\n").encode())
            self.proc.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def stderr_tail(self, n=1500):
        try:
            return Path(self.stderr_path).read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the worker's own session only
            except ProcessLookupError:
                pass
        self.proc.wait()
        self._err.close()

    def close(self):
        if self.proc.poll() is None:
            self.send("QUIT")
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.kill()


@dataclass
class ToolRun:
    tool: str
    status: str = "ok"  # ok | cap | error | unavailable | n/a
    warmup: float | None = None
    times: list = field(default_factory=list)
    answer: dict | None = None
    warnings: dict = field(default_factory=dict)
    detail: str = ""

    @property
    def median(self):
        import numpy as np

        return float(np.median(self.times)) if self.status == "ok" and self.times else None


ANSWER_KEYS = ("alpha", "n_selected", "score", "measure", "n_path", "n_selected_last")


def _record(run, res, rnd, cap):
    if res["time"] > cap:
        run.status = "cap"
    elif rnd == 0:
        run.warmup = res["time"]
    else:
        run.times.append(res["time"])
    run.answer = {k: res[k] for k in ANSWER_KEYS if k in res}
    for key, entry in res.get("warnings", {}).items():
        agg = run.warnings.setdefault(key, {"count": 0, "example": entry["example"]})
        agg["count"] += entry["count"]
    for agg in run.warnings.values():
        agg["fits"] = rnd + 1


def _start(tools, family, data_dir, log_dir, runs):
    workers = {}
    for t in tools:
        log = Path(log_dir) / f"{Path(data_dir).name}.{t}.stderr"
        try:
            workers[t] = Worker(argv(t, family, data_dir), log)
        except OSError as exc:
            runs[t].status, runs[t].detail = "unavailable", str(exc)
    for t, wk in list(workers.items()):
        tag, payload = wk.expect(STARTUP_TIMEOUT)
        if tag != "READY":
            runs[t].status = "error"
            runs[t].detail = (
                json.loads(payload)["error"]
                if tag == "ERROR"
                else f"worker did not start ({tag}): {wk.stderr_tail()}"
            )
            wk.kill()
            del workers[t]
    return workers


def run_workload(family, data_dir, log_dir, tools, repeats, cap):
    """{tool key: ToolRun} after one warm-up and ``repeats`` timed rounds."""
    runs = {t: ToolRun(t) for t in tools}
    workers = _start(tools, family, data_dir, log_dir, runs)
    try:
        for rnd in range(repeats + 1):
            order = tools[rnd % len(tools) :] + tools[: rnd % len(tools)]  # rotate the start
            cells = []
            for t in order:
                if runs[t].status == "ok":
                    cells.append(_one_fit(t, runs, workers, rnd, cap))
            label = "warm-up" if rnd == 0 else f"round {rnd}/{repeats}"
            print(f"  {label:>11}: " + " | ".join(cells), flush=True)
    finally:
        for wk in workers.values():
            wk.close()
    return runs


def _one_fit(t, runs, workers, rnd, cap):
    """Ask tool t for one fit; returns the round line's cell."""
    run, wk, label = runs[t], workers[t], TOOL[t].label
    wk.send("RUN")
    # R and adelie load libraries lazily on a first call; their clocks still say the truth
    tag, payload = wk.expect(cap if TOOL[t].runtime == "python" else cap + 30.0)
    if tag == "RESULT":
        res = json.loads(payload)
        _record(run, res, rnd, cap)
        return f"{label} {res['time']:.3g}s"
    wk.kill()
    if tag == "TIMEOUT":
        run.status = "cap"
        l1sel = runs.get("l1sel")
        if t == "lpr" and rnd == 0 and l1sel and l1sel.status == "ok" and not l1sel.times:
            # L1Selector(cv=...) fits this same LassoPathReport inside: spare the cap
            l1sel.status = "cap"
            l1sel.detail = "not run: it fits the LassoPathReport that exceeded the cap"
            workers["l1sel"].kill()
        return f"{label} > cap"
    run.status = "error"
    run.detail = (
        json.loads(payload)["error"]
        if tag == "ERROR"
        else f"worker {tag.lower()}: {wk.stderr_tail()}"
    )
    return f"{label} ERROR"
