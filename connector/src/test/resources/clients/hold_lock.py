#!/usr/bin/env python3
"""Holds an exclusive flock(2) on FILE (created if absent) until stdin closes; prints READY once it holds it."""
import fcntl
import sys

with open(sys.argv[1], "a") as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    print("READY", flush=True)
    sys.stdin.read()
