#!/usr/bin/env python3
"""Measures the command line's whole-process time against a JVM that prints hello, in paired rounds.

Each round runs the hello JVM and then every resvc command once, back to back, and takes each
command's time over the hello time of that round; the answer per command is the median of the rounds'
ratios, with their range, so that a shared machine whose speed drifts moves both sides together.
The target (docs/benchmarks.md, "The command line"): `resvc check` on a shipped host within 10x hello.

usage: python3 bench/scripts/cli_latency.py [--rounds N] [--json OUT.json] [--java-opts "..."]
Run from the repository root after `./mvnw -B -ntp -DskipTests package` (or one `bin/resvc` call),
so that bin/resvc neither builds nor makes its class-data archive during the measurement.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

POLICY = "examples/policies/kernel-intel.resv"
HOST = "examples/hosts/hp-proliant-dl360-g7"
DOMAIN = "examples/domains/dl360-raid.xml"

HELLO = "public class Hello { public static void main(String[] a) { System.out.println(\"hello\"); } }\n"


def commands(hello_dir, java_opts):
    jar = "compiler/target/resvc.jar"
    check = ["check", "--policy", POLICY, "--host", HOST]
    return {
        "hello": ["java", *java_opts, "-cp", hello_dir, "Hello"],
        "bin/resvc check": ["bin/resvc", *check],
        "bin/resvc check --engine compiled": ["bin/resvc", *check, "--engine", "compiled"],
        "java -jar resvc.jar check": ["java", *java_opts, "-jar", jar, *check],
        "bin/resvc check --domain": ["bin/resvc", "check", "--policy", POLICY, "--host", HOST,
                                     "--domain", DOMAIN],
        "libvirt hook, prepare begin": ["sh", "-c", 'exec examples/libvirt-hook/qemu dl360-storage prepare begin -'
                                        ' < "$0"', DOMAIN],
        "bin/resvc regions merge": ["bin/resvc", "regions", "merge", "examples/regions/two-devices.txt"],
    }


# The hook runs resvc with the shipped policy and host, as a libvirt host configured for the DL360 would.
HOOK_ENV = dict(os.environ, RESVC="bin/resvc", RESVC_POLICY=POLICY, RESVC_HOST=HOST)


def timed(cmd):
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=HOOK_ENV)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit("%s exited %d: %s" % (" ".join(cmd), done.returncode, done.stderr.strip()))
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json")
    parser.add_argument("--java-opts", default="", help="options for the plain java runs (bin/resvc has its own)")
    args = parser.parse_args()
    hello_dir = tempfile.mkdtemp()
    with open(os.path.join(hello_dir, "Hello.java"), "w") as f:
        f.write(HELLO)
    subprocess.run(["javac", "-d", hello_dir, os.path.join(hello_dir, "Hello.java")], check=True)
    cmds = commands(hello_dir, shlex.split(args.java_opts))
    for cmd in cmds.values():  # warm the file cache, let bin/resvc build and archive once
        timed(cmd)
    times = {name: [] for name in cmds}
    for _ in range(args.rounds):
        for name, cmd in cmds.items():
            times[name].append(timed(cmd))
    hello = times["hello"]
    result = {"rounds": args.rounds, "load_average": os.getloadavg(), "commands": {}}
    print("%-36s %10s %10s %18s" % ("command", "median ms", "min ms", "ratio to hello"))
    for name, ts in times.items():
        ratios = [t / h for t, h in zip(ts, hello)]
        entry = {"median_ms": statistics.median(ts) * 1000, "min_ms": min(ts) * 1000,
                 "ratio_median": statistics.median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios)}
        result["commands"][name] = entry
        print("%-36s %10.0f %10.0f %7.1fx (%.1f-%.1f)" % (name, entry["median_ms"], entry["min_ms"],
              entry["ratio_median"], entry["ratio_min"], entry["ratio_max"]))
    print("load average at the end: %.2f %.2f %.2f" % result["load_average"])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
