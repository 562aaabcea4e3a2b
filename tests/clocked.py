"""Runs `flask ...` in a subprocess whose clock starts at the test's frozen instant and then ticks.

A subprocess does not inherit the test's time-machine. A worker under test must see the same "now"
the test planned its rows by (else, at a --clock in the future, nothing is due for it yet), and its
clock must move (leases run out, intervals pass), so here it ticks from that instant.

    python -m tests.clocked 2027-03-28T00:30:00+00:00 --app webapp reminders work
"""

import sys
from datetime import datetime

import time_machine
from flask.cli import main

if __name__ == "__main__":
    start = datetime.fromisoformat(sys.argv[1])
    sys.argv = ["flask", *sys.argv[2:]]
    with time_machine.travel(start, tick=True):
        main()
