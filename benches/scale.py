#!/usr/bin/env python3
"""kitemark at scale, measured beside git on the same repository in the same run.

Run through benches/run.sh, which builds what it needs. Every measure is repeated --runs
times, alternating kitemark and git so that both see the same state of the machine's
caches, and the medians are reported. kitemark's measures are taken COLD (its cache under
`<git dir>/kitemark/cache` removed first) and WARM (right after a run that filled it); a
kitemark without a cache simply gives the same figure twice:

- opening the interface (a real terminal, tmux 160x48): time to the first drawn frame, to
  the first frame with the repository's data, to the History view's frames (as the app
  reports them), the slowest time from a key to the frame that shows it (keys are pressed
  while the repository loads, while a submission loads and while the History view computes
  its audit), and the process's peak memory;
- `kitemark validate` of the whole repository against `git cat-file --batch` reading the
  same blobs, and validate again after one new commit on top of a validated one;
- `kitemark audit`, whole, and again after one new commit on top of an audited one (not at
  the national scale, 10,000 schools, whose targets are the interface and validate);
- one school's history (`kitemark log SCHOOL --commits`) against
  `git log --format=%H -- <its paths>`;
- with --diff, the comparison's figures from `cargo bench --bench diff`'s output.

The last thing printed is one table of the targets for the scale measured (10,000 schools
or more: the national-scale targets; fewer: the county's), each with its median, git's
figure where there is one, the ratio, and whether it is met.
"""

import argparse
import json
import os
import pathlib
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TODAY = "2026-11-22"


def machine():
    model = "unknown CPU"
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(
            int(line.split()[1])
            for line in pathlib.Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        memory = "unknown memory"
    return f"{model}, {os.cpu_count()} cores, {memory}, {platform.system()} {platform.release()}"


def timed(args, ok=(0,), **kwargs):
    """Runs a command; returns its wall time in seconds. Fails loudly on an exit not in `ok`."""
    started = time.perf_counter()
    result = subprocess.run(args, **kwargs)
    elapsed = time.perf_counter() - started
    if result.returncode not in ok:
        sys.exit(f"failed ({result.returncode}): {' '.join(map(str, args))}")
    return elapsed


def drop_cache(repo):
    """Removes kitemark's cache of the repository, for a cold run. Found from the git
    directory, so that a bare repository and a working copy are treated alike."""
    git_dir = subprocess.check_output(
        ["git", "-C", str(repo), "rev-parse", "--absolute-git-dir"], text=True
    ).strip()
    shutil.rmtree(pathlib.Path(git_dir) / "kitemark" / "cache", ignore_errors=True)


class Tmux:
    def __init__(self):
        self.socket = f"kitemark-bench-{os.getpid()}"

    def run(self, *args, check=True):
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            check=check,
            capture_output=True,
            text=True,
        )

    def start(self, command):
        """A new session running `command`. The last session's server may still be exiting
        (killing the last session ends it), and a new session asked of it then fails: asked
        again, a new server starts."""
        for _ in range(50):
            started = self.run(
                "new-session", "-d", "-s", "bench", "-x", "160", "-y", "48", command, check=False
            )
            if started.returncode == 0:
                return
            time.sleep(0.1)
        sys.exit(f"tmux could not start a session: {started.stderr}")

    def screen(self):
        return self.run("capture-pane", "-p", "-t", "bench", check=False).stdout

    def wait_for(self, *texts, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            screen = self.screen()
            if any(text in screen for text in texts):
                return
            time.sleep(0.01)
        sys.exit(f"timed out waiting for {texts!r}:\n{self.screen()}")

    def wait_gone(self, text, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text not in self.screen():
                return
            time.sleep(0.01)
        sys.exit(f"timed out waiting for {text!r} to go:\n{self.screen()}")

    def key(self, key):
        # Escape goes alone: with a key after it, it would arrive as Alt+key.
        self.run("send-keys", "-t", "bench", key)

    def kill(self):
        self.run("kill-server", check=False)


def open_interface(binary, repo, work, run, tmux, history, label, patience):
    """One run of the interface; returns its timings and peak memory in MB. With `history`,
    the run also opens the History view, whose first opening audits the whole history; the
    time from its key to the audit on screen is also taken here by watching the screen
    (`history_polled_ms`), since not every kitemark reports it. `patience` is how long, in
    seconds, the slowest step may take."""
    timings = work / f"timings-{run}-{history}-{label}.json"
    memory = work / f"memory-{run}-{history}-{label}.txt"
    for f in (timings, memory):
        f.unlink(missing_ok=True)
    # The wrapper reports the peak resident memory of kitemark (its only child).
    wrapper = (
        "import resource, subprocess, sys; "
        "code = subprocess.call(sys.argv[2:]); "
        "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
        "sys.exit(code)"
    )
    command = " ".join(
        [
            f"KITEMARK_TIMINGS={timings}",
            "python3",
            "-c",
            f'"{wrapper}"',
            str(memory),
            str(binary),
            "--repo",
            str(repo),
            "open",
            "--on",
            TODAY,
            "; sleep 60",
        ]
    )
    tmux.start(command)
    # Keys while the repository loads: they must be handled at once.
    tmux.wait_for("Reading the panel repository", "Agenda of the meeting", seconds=patience)
    for key in ["j", "2", "j", "1"]:
        tmux.key(key)
    tmux.wait_for("Agenda of the meeting", seconds=patience)
    # Open a submission and move while it loads, then the schools and the agenda again.
    for key in ["j", "Enter", "Tab", "j", "j"]:
        tmux.key(key)
        time.sleep(0.03)
    tmux.wait_for("Areas", seconds=patience)
    for key in ["2", "j", "j", "1"]:
        tmux.key(key)
        time.sleep(0.03)
    polled = None
    if history:
        # Move while the audit computes.
        pressed = time.perf_counter()
        for key in ["H", "j", "j", "k"]:
            tmux.key(key)
            time.sleep(0.03)
        tmux.wait_for("commit(s) up to", seconds=patience)
        # The school's own records come first; the whole audit's findings follow them.
        tmux.wait_gone("auditing the whole history", seconds=patience)
        polled = (time.perf_counter() - pressed) * 1000
    tmux.key("q")
    deadline = time.monotonic() + 30
    while not (timings.exists() and memory.exists()) and time.monotonic() < deadline:
        time.sleep(0.02)
    tmux.run("kill-session", "-t", "bench", check=False)
    if not timings.exists() or not memory.exists():
        sys.exit("the interface did not write its timings")
    result = json.loads(timings.read_text())
    result["peak_mb"] = int(memory.read_text()) / 1024
    result["history_polled_ms"] = polled
    return result


def median(values):
    """The median of the values that were reported, or None when none was."""
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def add_one_commit(clone, school, work):
    """Adds to `clone` one commit on top of main that changes `school`'s latest action plan
    (an action reworded, the file still valid), written with git's plumbing so that nothing
    but the one commit is new. Returns its id."""
    git = ["git", "-C", str(clone)]
    paths = subprocess.check_output(
        [*git, "ls-tree", "-r", "--name-only", "main", "--", f"submissions/{school}"], text=True
    ).split()
    path = sorted(p for p in paths if p.endswith("/action-plan.ron"))[-1]
    text = subprocess.check_output([*git, "cat-file", "blob", f"main:{path}"], text=True)
    edited = text.replace('text: "', 'text: "Revised: ', 1)
    blob = subprocess.check_output(
        [*git, "hash-object", "-w", "--stdin"], input=edited, text=True
    ).strip()
    name, email = subprocess.check_output(
        [*git, "log", "-1", "--format=%an%x00%ae", "main", "--", f"submissions/{school}"],
        text=True,
    ).strip().split("\0")
    env = dict(
        os.environ,
        GIT_INDEX_FILE=str(work / f"index-{clone.name}"),
        GIT_AUTHOR_NAME=name,
        GIT_AUTHOR_EMAIL=email,
        GIT_COMMITTER_NAME=name,
        GIT_COMMITTER_EMAIL=email,
        GIT_AUTHOR_DATE=f"{TODAY}T12:00:00+0000",
        GIT_COMMITTER_DATE=f"{TODAY}T12:00:00+0000",
    )
    old = subprocess.check_output([*git, "rev-parse", "main"], text=True).strip()
    subprocess.run([*git, "read-tree", "main"], env=env, check=True)
    subprocess.run(
        [*git, "update-index", "--cacheinfo", f"100644,{blob},{path}"], env=env, check=True
    )
    tree = subprocess.check_output([*git, "write-tree"], env=env, text=True).strip()
    commit = subprocess.check_output(
        [*git, "commit-tree", tree, "-p", old, "-m", f"Action plan revised: {school}"],
        env=env,
        text=True,
    ).strip()
    subprocess.run([*git, "update-ref", "refs/heads/main", commit, old], check=True)
    return commit


def after_one_commit(repo, work, name, school, command, runs, ok=(0,)):
    """Times `command` (given the repository) after one new commit on top of a commit it has
    already seen, in a scratch clone so that the generated repository never changes: the
    clone shares the objects but has its own git directory, hence its own cache. Each run has
    a clone of its own, seen once at the generated commit and then moved on by one commit:
    a second run on the same clone would find the new commit itself in the cache."""
    times = []
    for _ in range(runs):
        clone = work / name
        shutil.rmtree(clone, ignore_errors=True)
        subprocess.run(
            ["git", "clone", "-q", "--bare", "--shared", str(repo), str(clone)], check=True
        )
        timed(command(clone), ok=ok, stdout=subprocess.DEVNULL)
        add_one_commit(clone, school, work)
        times.append(timed(command(clone), ok=ok, stdout=subprocess.DEVNULL))
        shutil.rmtree(clone, ignore_errors=True)
    return times


def diff_figures(path):
    """The medians (ms) of `cargo bench --bench diff`'s output (divan's table), by bench."""
    units = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1000.0}
    figures = {}
    if path is None or not path.exists():
        return figures
    for line in path.read_text().splitlines():
        columns = line.split("│")
        found = re.match(r"[\s├╰─]*(\w+)\s", columns[0])
        if len(columns) < 4 or not found:
            continue
        value = re.match(r"\s*([\d.]+)\s*(ns|µs|us|ms|s)\b", columns[2])
        if value:
            figures[found.group(1)] = float(value.group(1)) * units[value.group(2)]
    return figures


class Table:
    """The targets' table: one row per target, printed last."""

    def __init__(self):
        self.rows = []

    def add(self, measure, cold="", warm="", git="", ratio="", target="", status=""):
        self.rows.append((measure, cold, warm, git, ratio, target, status))

    def print(self, title):
        header = ("measure", "cold", "warm", "git", "ratio", "target", "met?")
        widths = [max(len(r[i]) for r in [header, *self.rows]) for i in range(len(header))]
        print(title)

        def line(row):
            cells = [row[0].ljust(widths[0])]
            cells += [row[i].rjust(widths[i]) for i in range(1, 5)]
            cells += [row[5].ljust(widths[5]), row[6]]
            print("  ".join(cells).rstrip())

        line(header)
        print("  ".join("-" * w for w in widths))
        for row in self.rows:
            line(row)


def ms(value):
    if value is None:
        return "not reported"
    return f"{value:.1f} ms" if value < 1000 else f"{value / 1000:.2f} s"


def mb(value):
    return "not reported" if value is None else f"{value:.0f} MB"


def verdict(*checks):
    """met, MISSED (naming which of cold and warm missed), or "not reported"."""
    if any(value is None for _, value, _ in checks):
        return "not reported"
    missed = [name for name, value, limit in checks if value > limit]
    if not missed:
        return "met"
    return f"MISSED ({', '.join(missed)})" if len(checks) > 1 else "MISSED"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True, type=pathlib.Path)
    parser.add_argument("--binary", required=True, type=pathlib.Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument(
        "--schools", type=int, default=1000, help="the scale, which decides the targets"
    )
    parser.add_argument(
        "--diff", type=pathlib.Path, help="the output of `cargo bench --bench diff`, if run"
    )
    args = parser.parse_args()
    repo, binary, work, runs = args.repo.resolve(), args.binary.resolve(), args.work, args.runs
    national = args.schools >= 10000
    # How long one step may take before the run is given up: the whole audit of 100,000
    # commits takes a while.
    patience = 1800 if national else 120
    work.mkdir(parents=True, exist_ok=True)
    git = ["git", "-C", str(repo)]

    commits = int(subprocess.check_output([*git, "rev-list", "--count", "main"], text=True))
    tree = subprocess.check_output([*git, "ls-tree", "-r", "main"], text=True)
    blobs = [line.split()[2] for line in tree.splitlines() if line.split()[1] == "blob"]
    batch = work / "blobs.txt"
    batch.write_text("\n".join(blobs) + "\n")
    schools = sorted(
        {line.split("\t")[1].split("/")[1] for line in tree.splitlines() if "\tsubmissions/" in line}
    )
    school = schools[len(schools) // 2]
    own = [f"submissions/{school}", f"decisions/{school}"]

    print(f"repository: {repo} ({commits} commits, {len(blobs)} files at main)")
    print(f"machine:    {machine()}")
    print(f"runs:       {runs} of each, medians; cold: kitemark's cache removed first\n")
    sys.stdout.flush()

    def validate_command(r):
        return [binary, "validate", "--repo", r]

    # `audit` exits 1 when it finds anything, which on the benchmark's day it may.
    def audit_command(r):
        return [binary, "audit", "--on", TODAY, "--repo", r]

    # Validate (cold, then warm) and the cat-file floor, alternating.
    validate_cold, validate_warm, cat_file = [], [], []
    for _ in range(runs):
        drop_cache(repo)
        validate_cold.append(timed(validate_command(repo), stdout=subprocess.DEVNULL))
        validate_warm.append(timed(validate_command(repo), stdout=subprocess.DEVNULL))
        with batch.open("rb") as stdin:
            cat_file.append(
                timed([*git, "cat-file", "--batch"], stdin=stdin, stdout=subprocess.DEVNULL)
            )
    validate_one = after_one_commit(repo, work, "validate-one", school, validate_command, runs)

    # The whole audit, cold and warm, then after one new commit. At the national scale the
    # targets are the interface's first frame, its memory and validate: the audit of 100,000
    # commits (minutes, over a gigabyte) is left out.
    audit_cold, audit_warm, audit_one = [], [], []
    for _ in range(0 if national else runs):
        drop_cache(repo)
        audit_cold.append(timed(audit_command(repo), ok=(0, 1), stdout=subprocess.DEVNULL))
        audit_warm.append(timed(audit_command(repo), ok=(0, 1), stdout=subprocess.DEVNULL))
    if not national:
        audit_one = after_one_commit(
            repo, work, "audit-one", school, audit_command, runs, ok=(0, 1)
        )

    # One school's history: kitemark lists the commits of the school's own files and the
    # meetings that name it; git log is given the same paths (all meetings).
    def log_command():
        return [binary, "log", school, "--commits", "--repo", repo]

    history_cold, history_warm, git_log, git_own = [], [], [], []
    for _ in range(0 if national else runs):
        drop_cache(repo)
        history_cold.append(timed(log_command(), stdout=subprocess.DEVNULL))
        history_warm.append(timed(log_command(), stdout=subprocess.DEVNULL))
        git_log.append(
            timed(
                [*git, "log", "--format=%H", "main", "--", *own, "meetings"],
                stdout=subprocess.DEVNULL,
            )
        )
        git_own.append(
            timed([*git, "log", "--format=%H", "main", "--", *own], stdout=subprocess.DEVNULL)
        )
    if not national:
        listed = json.loads(
            subprocess.check_output([*log_command(), "--format", "json"], text=True)
        )["commits"]
        by_git = subprocess.check_output(
            [*git, "log", "--format=%H", "main", "--", *own], text=True
        )
        missing = set(by_git.split()) - {c["id"] for c in listed}
        if missing:
            sys.exit(f"kitemark's history of {school} lacks {len(missing)} commit(s) git lists")

    # The interface: cold, then warm; without and with the History view.
    tmux = Tmux()
    runs_of = {(h, label): [] for h in (False, True) for label in ("cold", "warm")}
    try:
        for run in range(runs):
            for history in (False,) if national else (False, True):
                drop_cache(repo)
                for label in ("cold", "warm"):
                    runs_of[(history, label)].append(
                        open_interface(binary, repo, work, run, tmux, history, label, patience)
                    )
    finally:
        tmux.kill()
    drop_cache(repo)

    def interface(history, label, key):
        values = [r.get(key) for r in runs_of[(history, label)]]
        return median(values) if values else None

    def seconds_ms(values):
        return median(values) * 1000 if values else None

    # Further measures, before the table.
    opened = runs_of[(False, "cold")] + runs_of[(False, "warm")]
    with_history = runs_of[(True, "cold")] + runs_of[(True, "warm")]
    everything = opened + with_history
    first = median([r["first_frame_ms"] for r in opened])
    keys = median([r["max_event_to_frame_ms"] for r in everything])
    peak_plain = max(interface(False, "cold", "peak_mb"), interface(False, "warm", "peak_mb"))
    for name, value, limit, unit in [
        ("first frame drawn (the spinner)", first, 150, "ms"),
        ("slowest key to the frame showing it, while loading", keys, 16.7, "ms"),
        ("peak memory, agenda, schools and a submission", peak_plain, 150, "MB"),
    ]:
        shown = ms(value) if unit == "ms" else mb(value)
        print(f"{name + ':':<52} {shown}  (target <= {limit} {unit}: {verdict(('', value, limit))})")
    if not national:
        print(
        "History view, its key to the whole audit on screen (watched from outside): "
        f"cold {ms(interface(True, 'cold', 'history_polled_ms'))}, "
        f"warm {ms(interface(True, 'warm', 'history_polled_ms'))}"
        )
        print(
            f"audit of the whole history: cold {ms(seconds_ms(audit_cold))}, "
            f"warm {ms(seconds_ms(audit_warm))}"
        )
        print(f"history of {school}, git log of its own folders only: {ms(seconds_ms(git_own))}")
    read = [r["submission_files_read"] for r in opened]
    read_history = [r["submission_files_read"] for r in with_history]
    held = sum(
        1
        for line in tree.splitlines()
        if line.split("\t")[1].startswith("submissions/") and line.split("\t")[1].count("/") >= 3
    )
    print(
        f"submission files read by the interface: {max(read)} of {held} (the agenda's evidence "
        f"rules, the submission opened and the year before it); "
        f"{max(read_history) if read_history else 'not measured'} with the "
        "History view (the self-reviews the audit's evidence rules need)\n"
    )

    table = Table()
    data_cold = interface(False, "cold", "data_frame_ms")
    data_warm = interface(False, "warm", "data_frame_ms")
    frame_cold = interface(True, "cold", "history_frame_ms")
    frame_warm = interface(True, "warm", "history_frame_ms")
    audit_frame_cold = interface(True, "cold", "history_audit_ms")
    audit_frame_warm = interface(True, "warm", "history_audit_ms")
    ready_cold = interface(False, "cold", "ready_frame_ms")
    ready_warm = interface(False, "warm", "ready_frame_ms")
    # At the national scale, the interface's own peak (agenda, schools, a submission).
    peak_cold = interface(not national, "cold", "peak_mb")
    peak_warm = interface(not national, "warm", "peak_mb")
    peak = max(peak_cold, peak_warm)
    floor = seconds_ms(cat_file)
    v_cold, v_warm = seconds_ms(validate_cold), seconds_ms(validate_warm)
    v_one = seconds_ms(validate_one)
    if not national:
        a_cold, a_one = seconds_ms(audit_cold), seconds_ms(audit_one)
        h_cold, h_warm = seconds_ms(history_cold), seconds_ms(history_warm)
        log = seconds_ms(git_log)
    diff = diff_figures(args.diff)
    compare = diff.get("diff_two_2000_action_plans")
    compare_frame = diff.get("first_diff_frame_200x60_with_layout")

    if national:
        table.add(
            "first frame with the agenda and schools", ms(data_cold), ms(data_warm),
            target="<= 1 s cold, <= 150 ms warm",
            status=verdict(("cold", data_cold, 1000), ("warm", data_warm, 150)),
        )
        table.add(
            "  everything read, every action available", ms(ready_cold), ms(ready_warm),
            target="-",
        )
        table.add(
            "peak memory (agenda, schools, a submission)", mb(peak_cold), mb(peak_warm),
            target="<= 300 MB", status=verdict(("", peak, 300)),
        )
        table.add(
            "validate (cold)", ms(v_cold), ms(v_warm), f"cat-file {ms(floor)}",
            f"{v_cold / floor:.2f}x", "<= 2.0x the floor", verdict(("", v_cold / floor, 2.0)),
        )
        # Measured at this scale too, with no target of its own here.
        table.add(
            "validate after one new commit", "", ms(v_one), f"cold {ms(v_cold)}",
            f"{v_one / v_cold:.2f}x", "-",
        )
    else:
        table.add(
            "first frame with the agenda and schools", ms(data_cold), ms(data_warm),
            target="<= 100 ms cold, <= 40 ms warm",
            status=verdict(("cold", data_cold, 100), ("warm", data_warm, 40)),
        )
        table.add(
            "  everything read, every action available", ms(ready_cold), ms(ready_warm),
            target="-",
        )
        table.add(
            "History view first opening (own records)", ms(frame_cold), ms(frame_warm),
            target="<= 300 ms cold, <= 50 ms warm",
            status=verdict(("cold", frame_cold, 300), ("warm", frame_warm, 50)),
        )
        table.add(
            "History view, the whole audit's findings", ms(audit_frame_cold), ms(audit_frame_warm),
            target="-",
        )
        table.add(
            "peak memory with the History view", mb(peak_cold), mb(peak_warm),
            target="<= 100 MB", status=verdict(("", peak, 100)),
        )
        table.add(
            "validate (cold)", ms(v_cold), ms(v_warm), f"cat-file {ms(floor)}",
            f"{v_cold / floor:.2f}x", "<= 2.0x the floor", verdict(("", v_cold / floor, 2.0)),
        )
        table.add(
            "validate after one new commit", "", ms(v_one), f"cold {ms(v_cold)}",
            f"{v_one / v_cold:.2f}x", "<= 0.05x cold", verdict(("", v_one / v_cold, 0.05)),
        )
        table.add(
            "audit after one new commit", "", ms(a_one), f"cold {ms(a_cold)}",
            f"{a_one / a_cold:.2f}x", "<= 0.1x cold", verdict(("", a_one / a_cold, 0.1)),
        )
        table.add(
            f"history of {school} (ratio: cold)", ms(h_cold), ms(h_warm), f"log {ms(log)}",
            f"{h_cold / log:.2f}x", "<= 0.5x git log", verdict(("", h_cold / log, 0.5)),
        )
        table.add(
            "compare two 2,000-action plans", ms(compare), target="<= 50 ms",
            status=verdict(("", compare, 50)) if args.diff else "not run (--no-diff)",
        )
        table.add(
            "first frame of that comparison", ms(compare_frame), target="<= 30 ms",
            status=verdict(("", compare_frame, 30)) if args.diff else "not run (--no-diff)",
        )
    scale = "10,000-school" if national else "1,000-school"
    table.print(
        f"Targets at the {scale} scale: {repo.name} ({commits} commits), on {machine()}; "
        f"medians of {runs}"
    )


if __name__ == "__main__":
    main()
