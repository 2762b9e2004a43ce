#!/usr/bin/env python3
"""Measures the ratio of two JMH benchmarks in paired rounds, so that a machine whose speed drifts
(a shared 2-vCPU VM) moves both sides of each ratio together.

Each round runs both benchmarks back to back in one JMH invocation, one fork each, and takes the
ratio of their medians; the answer is the median of the rounds' ratios, with their range.

usage: python3 bench/scripts/paired.py NUMERATOR DENOMINATOR [--rounds N] [--param k=v ...]
                                       [--jar bench/target/benchmarks.jar] [--json OUT.json]
example: python3 bench/scripts/paired.py HostBench.verdictCompiled HostBench.mergeOnly \\
           --param groups=64 --rounds 8 --json bench/results/jmh-host-paired.json
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run_round(jar, numerator, denominator, params, warmups, iterations):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    pattern = "^.*\\.(%s|%s)$" % (numerator.replace(".", "\\."), denominator.replace(".", "\\."))
    cmd = ["java", "-jar", jar, pattern, "-f", "1", "-wi", str(warmups), "-i", str(iterations),
           "-rf", "json", "-rff", out]
    for p in params:
        cmd += ["-p", p]
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit("jmh failed (exit %d):\n%s" % (done.returncode, done.stderr[-2000:]))
    results = json.load(open(out))
    os.unlink(out)
    medians = {}
    for r in results:
        name = ".".join(r["benchmark"].rsplit(".", 2)[-2:])
        medians[name] = r["primaryMetric"]["scorePercentiles"]["50.0"]
    missing = [b for b in (numerator, denominator) if b not in medians]
    if missing:
        sys.exit("no result for %s (check the names: Class.method)" % ", ".join(missing))
    return medians[numerator], medians[denominator], results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("numerator")
    ap.add_argument("denominator")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--param", action="append", default=[], help="a JMH parameter, k=v")
    ap.add_argument("--jar", default="bench/target/benchmarks.jar")
    ap.add_argument("--warmups", type=int, default=15, help="1 s warmup iterations per fork")
    ap.add_argument("--iterations", type=int, default=5, help="1 s measured iterations per fork")
    ap.add_argument("--json", help="write every round's JMH results here")
    args = ap.parse_args()
    if not os.path.exists(args.jar):
        sys.exit("%s not found: build it with ./mvnw -q -B -pl bench -am package -DskipTests" % args.jar)

    ratios = []
    everything = []
    for i in range(args.rounds):
        num, den, results = run_round(args.jar, args.numerator, args.denominator, args.param,
                                      args.warmups, args.iterations)
        ratios.append(num / den)
        everything.append({"round": i + 1, "results": results})
        print("round %d: %s %.0f ns, %s %.0f ns, ratio %.2f" % (i + 1, args.numerator, num, args.denominator,
                                                                den, num / den), flush=True)
    print("median ratio %.2f over %d rounds (range %.2f to %.2f)" % (
        statistics.median(ratios), len(ratios), min(ratios), max(ratios)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(everything, f, indent=1)


if __name__ == "__main__":
    main()
