"""Where a build's CPU time goes, process by process: run a command, read every process it starts from /proc
every 0.1 s, and print each one's CPU time (user + system) when the command ends, largest first, with when it
started and its command line. A process that lives less than 0.1 s may be missed; one that ends between two
reads loses its last 0.1 s at most.

    python bench/cpu_by_process.py python -m generator --root /tmp/archive build --out /tmp/site

(Linux only: it reads /proc.)
"""
from __future__ import annotations

import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[int, float]:
    """(parent pid, CPU seconds) of a process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline") as f:
            return f.read().replace("\0", " ").strip()[:90]
    except OSError:
        return "?"


def main() -> None:
    proc = subprocess.Popen(sys.argv[1:])
    start = time.time()
    cpu: dict[int, float] = {}
    info: dict[int, tuple[str, float]] = {}
    while proc.poll() is None:
        table = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    table[int(d)] = _stat(d)
                except (OSError, ValueError, IndexError):
                    pass
        tree, grew = {proc.pid}, True
        while grew:
            grew = False
            for pid, (parent, _) in table.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
        for pid in tree & table.keys():
            cpu[pid] = table[pid][1]
            info.setdefault(pid, (_command(pid), time.time() - start))
        time.sleep(0.1)
    print(f"exit {proc.returncode}, wall {time.time() - start:.1f} s")
    for pid, seconds in sorted(cpu.items(), key=lambda x: -x[1]):
        print(f"{seconds:8.1f} CPU-s  started at {info[pid][1]:6.1f} s  {info[pid][0]}")
    print(f"{sum(cpu.values()):8.1f} CPU-s in all ({len(cpu)} processes)")


if __name__ == "__main__":
    main()
