#!/usr/bin/env python3
"""kitemark at scale, measured beside git on the same repository in the same run.

Run through benches/run.sh, which builds what it needs. Every measure is repeated --runs
times, alternating kitemark and git so that both see the same state of the machine's
caches, and the medians are reported:

- opening the interface (a real terminal, tmux 160x48): time to the first drawn frame, to
  the first frame with the repository's data, the slowest time from a key to the frame that
  shows it (keys are pressed while the repository loads, while a submission loads and while
  the History view computes its audit), and the process's peak memory;
- `kitemark validate` of the whole repository against `git cat-file --batch` reading the
  same blobs;
- one school's history (`kitemark log SCHOOL --commits`) against
  `git log --format=%H -- <its paths>`.
"""

import argparse
import json
import os
import pathlib
import platform
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


def timed(args, **kwargs):
    """Runs a command; returns its wall time in seconds. Fails loudly on a non-zero exit."""
    started = time.perf_counter()
    result = subprocess.run(args, **kwargs)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(map(str, args))}")
    return elapsed


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

    def key(self, key):
        # Escape goes alone: with a key after it, it would arrive as Alt+key.
        self.run("send-keys", "-t", "bench", key)

    def kill(self):
        self.run("kill-server", check=False)


def open_interface(binary, repo, work, run, tmux, history):
    """One run of the interface; returns its timings and peak memory in MB. With `history`,
    the run also opens the History view, whose first opening audits the whole history."""
    timings = work / f"timings-{run}-{history}.json"
    memory = work / f"memory-{run}-{history}.txt"
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
    tmux.run("new-session", "-d", "-s", "bench", "-x", "160", "-y", "48", command)
    # Keys while the repository loads: they must be handled at once.
    tmux.wait_for("Reading the panel repository", "Agenda of the meeting")
    for key in ["j", "2", "j", "1"]:
        tmux.key(key)
    tmux.wait_for("Agenda of the meeting")
    # Open a submission and move while it loads, then the schools and the agenda again.
    for key in ["j", "Enter", "Tab", "j", "j"]:
        tmux.key(key)
        time.sleep(0.03)
    tmux.wait_for("Areas")
    for key in ["2", "j", "j", "1"]:
        tmux.key(key)
        time.sleep(0.03)
    if history:
        # Move while the audit computes.
        for key in ["H", "j", "j", "k"]:
            tmux.key(key)
            time.sleep(0.03)
        tmux.wait_for("commit(s) up to", seconds=120)
    tmux.key("q")
    deadline = time.monotonic() + 30
    while not (timings.exists() and memory.exists()) and time.monotonic() < deadline:
        time.sleep(0.02)
    tmux.run("kill-session", "-t", "bench", check=False)
    if not timings.exists() or not memory.exists():
        sys.exit("the interface did not write its timings")
    result = json.loads(timings.read_text())
    result["peak_mb"] = int(memory.read_text()) / 1024
    return result


def median(values):
    return statistics.median(values)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True, type=pathlib.Path)
    parser.add_argument("--binary", required=True, type=pathlib.Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    args = parser.parse_args()
    repo, binary, work, runs = args.repo, args.binary, args.work, args.runs
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
    print(f"runs:       {runs} of each, medians\n", flush=True)

    # Validate and the cat-file floor, alternating.
    validate, cat_file = [], []
    for _ in range(runs):
        validate.append(
            timed([binary, "validate", "--repo", repo], stdout=subprocess.DEVNULL)
        )
        with batch.open("rb") as stdin:
            cat_file.append(
                timed([*git, "cat-file", "--batch"], stdin=stdin, stdout=subprocess.DEVNULL)
            )

    # One school's history: kitemark lists the commits of the school's own files and the
    # meetings that name it; git log is given the same paths (all meetings).
    history, git_log, git_own = [], [], []
    for _ in range(runs):
        history.append(
            timed(
                [binary, "log", school, "--commits", "--repo", repo],
                stdout=subprocess.DEVNULL,
            )
        )
        git_log.append(
            timed(
                [*git, "log", "--format=%H", "main", "--", *own, "meetings"],
                stdout=subprocess.DEVNULL,
            )
        )
        git_own.append(
            timed([*git, "log", "--format=%H", "main", "--", *own], stdout=subprocess.DEVNULL)
        )
    listed = json.loads(
        subprocess.check_output(
            [binary, "log", school, "--commits", "--repo", repo, "--format", "json"], text=True
        )
    )["commits"]
    by_git = subprocess.check_output([*git, "log", "--format=%H", "main", "--", *own], text=True)
    own_commits = set(by_git.split())
    missing = own_commits - {c["id"] for c in listed}
    if missing:
        sys.exit(f"kitemark's history of {school} lacks {len(missing)} commit(s) git lists")

    # The interface.
    tmux = Tmux()
    opened, with_history = [], []
    try:
        for run in range(runs):
            opened.append(open_interface(binary, repo, work, run, tmux, False))
            with_history.append(open_interface(binary, repo, work, run, tmux, True))
    finally:
        tmux.kill()

    def ms(values):
        return f"{median(values) * 1000:8.1f} ms"

    def row(name, ours, theirs, ratio, target, met):
        mark = "met" if met else "MISSED"
        print(f"{name:<44} {ours:>11} {theirs:>22} {ratio:>7}  {target:<10} {mark}")

    print(f"{'measure':<44} {'kitemark':>11} {'git':>22} {'ratio':>7}  target")
    first = [r["first_frame_ms"] for r in opened]
    data = [r["data_frame_ms"] for r in opened]
    keys = [r["max_event_to_frame_ms"] for r in opened + with_history]
    peak = [r["peak_mb"] for r in opened]
    peak_history = [r["peak_mb"] for r in with_history]
    row("first frame (160x48)", f"{median(first):.1f} ms", "", "", "<= 150 ms", median(first) <= 150)
    print(f"{'first frame with the data':<44} {median(data):8.1f} ms")
    row(
        "slowest key to frame, keys while loading",
        f"{median(keys):.1f} ms",
        "",
        "",
        "<= 16.7 ms",
        median(keys) <= 16.7,
    )
    row("peak memory (agenda, schools, a submission)", f"{median(peak):.0f} MB", "", "", "<= 150 MB", median(peak) <= 150)
    print(f"{'peak memory, History view too (whole audit)':<44} {median(peak_history):8.0f} MB")
    ratio = median(validate) / median(cat_file)
    row(
        "validate the whole repository",
        ms(validate).strip(),
        f"cat-file {ms(cat_file).strip()}",
        f"{ratio:.2f}x",
        "<= 3.0x",
        ratio <= 3.0,
    )
    ratio = median(history) / median(git_log)
    row(
        f"history of {school}",
        ms(history).strip(),
        f"log {ms(git_log).strip()}",
        f"{ratio:.2f}x",
        "<= 1.0x",
        ratio <= 1.0,
    )
    print(
        f"{'  (git log of its own folders only)':<44} {'':>11} {'log ' + ms(git_own).strip():>22} "
        f"{median(history) / median(git_own):6.2f}x"
    )
    read = [r["submission_files_read"] for r in opened]
    read_history = [r["submission_files_read"] for r in with_history]
    held = sum(
        1
        for line in tree.splitlines()
        if line.split("\t")[1].startswith("submissions/") and line.split("\t")[1].count("/") >= 3
    )
    print(
        f"\nsubmission files read by the interface: {max(read)} of {held} (the agenda's evidence "
        f"rules, the submission opened and the year before it); {max(read_history)} with the "
        "History view (the self-reviews the audit's evidence rules need)"
    )


if __name__ == "__main__":
    main()
