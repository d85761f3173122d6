# Runs a command and writes "<wall ms> <peak RSS KiB> <user ms> <system ms>" to a file: wait4's
# rusage has microsecond CPU times (GNU time rounds to 10 ms, too coarse for 50 ms processes), and
# the wall clock starts at fork, so the figure carries no interpreter start-up.
import os
import sys
import time

out, command = sys.argv[1], sys.argv[2:]
started = time.perf_counter_ns()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = (time.perf_counter_ns() - started) / 1e6
with open(out, "w") as f:
    f.write(f"{wall:.3f} {usage.ru_maxrss} {usage.ru_utime * 1000:.3f} {usage.ru_stime * 1000:.3f}\n")
sys.exit(os.waitstatus_to_exitcode(status))
