"""Run a command and report its own wall time and peak memory (used by ``_harness.run_child``).

Usage: ``python -I -S _spawn.py REPORT CMD...``: runs ``CMD`` with this process's environment,
folder and output, waits for it with ``os.wait4`` and writes ``{"rc", "wall_s", "peak_mb"}`` as
JSON to ``REPORT``; exits with the command's exit code.

Why a launcher: on Linux a process's ``ru_maxrss`` starts at the resident size of the process
that forked it (the kernel copies the address space's high-water mark at fork and keeps it
across exec). A row process holding 700 MB of generated input would lend every child it starts a
peak of 700 MB, even to ``python -c pass``. This launcher is a bare interpreter (``-I -S``, a few
MB), so the command it starts reports a peak of its own. Standard library only.
"""

import json
import os
import subprocess
import sys
import time


def main() -> int:
    report, cmd = sys.argv[1], sys.argv[2:]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    with open(report, "w", encoding="utf-8") as fh:
        json.dump({"rc": rc, "wall_s": wall, "peak_mb": usage.ru_maxrss / 1024.0}, fh)
    return rc if 0 <= rc < 256 else 1


if __name__ == "__main__":
    sys.exit(main())
