#!/usr/bin/env python3
"""Turns JMH JSON results (bench/results/*.json) into the tables of docs/benchmarks.md and the SVG chart.

usage: python3 bench/scripts/report.py RESULTS.json [MORE.json ...] --svg docs/benchmarks-rules.svg
Later files override earlier ones for the same benchmark and parameters. Tables go to standard output.
"""
import json
import math
import sys

def load(paths):
    rows = {}
    for p in paths:
        for r in json.load(open(p)):
            name = r["benchmark"].rsplit(".", 2)
            key = (name[-2] + "." + name[-1], tuple(sorted(r.get("params", {}).items())))
            rows[key] = r
    return rows

def ns(r):
    """Median and error of one result, in ns per operation."""
    m = r["primaryMetric"]
    unit = m["scoreUnit"]
    scale = {"ns/op": 1, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}[unit]
    median = m["scorePercentiles"]["50.0"] * scale
    raw = m["scoreError"]
    err = float(raw) * scale if not isinstance(raw, str) else float("nan")
    return median, err

def get(rows, bench, **params):
    key = (bench, tuple(sorted((k, str(v)) for k, v in params.items())))
    r = rows.get(key)
    return ns(r) if r else None

def fmt(v):
    if v is None:
        return "—"
    med, err = v
    e = "n/a" if math.isnan(err) else f"{err:,.0f}" if err >= 100 else f"{err:,.1f}"
    m = f"{med:,.0f}" if med >= 100 else f"{med:,.1f}"
    return f"{m} ± {e}"

def ratio(a, b):
    if a is None or b is None:
        return "—"
    r = a[0] / b[0]
    return f"{r:.2f}×" if r >= 0.1 else f"{r:.4f}×"

def main(argv):
    svg = None
    if "--svg" in argv:
        i = argv.index("--svg")
        svg = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    rows = load(argv)
    out = []
    p = out.append
    C = "ClassifyBench."
    impls = [("compiled", "Compiled"), ("hand-written", "Hand"), ("CEL", "Cel"), ("interpreter", "Interpreter")]

    p("### Per decision, LANGUAGE.md §4 policy (ns per classify, median ± 99.9% error)\n")
    p("| implementation | ns/op | ÷ compiled |")
    p("|---|---:|---:|")
    s4 = {label: get(rows, C + "section4" + suffix) for label, suffix in impls}
    for label, _ in impls:
        p(f"| {label} | {fmt(s4[label])} | {ratio(s4[label], s4['compiled'])} |")

    p("\n### Per decision, generated policies (ns per classify, median ± 99.9% error)\n")
    sizes = [10, 100, 1000, 10000]
    p("| rules | compiled | hand-written (if-chain ≤ 100, table above; the 1,000/10,000 cells are a second measurement of the table) | hand-written table | CEL | interpreter | compiled ÷ hand | CEL ÷ compiled | interpreter ÷ compiled |")
    p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    mix = {}
    for n in sizes:
        v = {k: get(rows, C + "mix" + k, rules=n) for k in ["Compiled", "Hand", "HandTable", "Cel", "Interpreter"]}
        mix[n] = v
        p(f"| {n:,} | {fmt(v['Compiled'])} | {fmt(v['Hand'])} | {fmt(v['HandTable'])} | {fmt(v['Cel'])} | {fmt(v['Interpreter'])} "
          f"| {ratio(v['Compiled'], v['Hand'])} | {ratio(v['Cel'], v['Compiled'])} | {ratio(v['Interpreter'], v['Compiled'])} |")
    p("\nCost at 10,000 rules ÷ cost at 100 rules: " + ", ".join(
        f"{k.lower()} {ratio(mix[10000][k], mix[100][k])}" for k in ["Compiled", "HandTable", "Cel", "Interpreter"]) + ".")

    p("\n### Whole host, §4 policy, q35 guest with 8 GiB (ns per host verdict, median ± 99.9% error)\n")
    p("| groups | compiled | hand-written | CEL | interpreter | compiled, read in full | merge step alone | compiled ÷ merge alone |")
    p("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for g in [8, 64, 512]:
        v = {k: get(rows, "HostBench.verdict" + k, groups=g)
             for k in ["Compiled", "Hand", "Cel", "Interpreter", "CompiledReadInFull"]}
        m = get(rows, "HostBench.mergeOnly", groups=g)
        p(f"| {g} | {fmt(v['Compiled'])} | {fmt(v['Hand'])} | {fmt(v['Cel'])} | {fmt(v['Interpreter'])} "
          f"| {fmt(v['CompiledReadInFull'])} | {fmt(m)} | {ratio(v['Compiled'], m)} |")

    p("\n### Merge alone (ns per merge of the whole list, median ± 99.9% error)\n")
    p("| regions | resvc `GroupRegionMerger` | kernel insertion (transcription) | kernel ÷ resvc |")
    p("|---:|---:|---:|---:|")
    for n in [10, 1000, 100000]:
        a = get(rows, "MergeBench.resvcMerger", regions=n)
        b = get(rows, "MergeBench.kernelInsertion", kernelRegions=n) or get(rows, "MergeBench.kernelInsertionLarge", largeRegions=n)
        p(f"| {n:,} | {fmt(a)} | {fmt(b)} | {ratio(b, a)} |")

    p("\n### Compile (ms per single shot, median ± 99.9% error)\n")
    p("| rules | `.resv` → Java source | `.resv` → loaded classes |")
    p("|---:|---:|---:|")
    for n in [100, 10000]:
        a = get(rows, "CompileBench.toSource", compileRules=n)
        b = get(rows, "CompileBench.toLoadedClasses", compileRules=n)
        ms = lambda v: None if v is None else (v[0] / 1e6, v[1] / 1e6)
        p(f"| {n:,} | {fmt(ms(a))} | {fmt(ms(b))} |")
    print("\n".join(out))

    if svg:
        series = [("compiled (resvc)", "Compiled", "#1f77b4", ""), ("hand-written", "Hand", "#2ca02c", ""),
                  ("hand-written table", "HandTable", "#2ca02c", "6,4"), ("CEL", "Cel", "#d62728", ""),
                  ("interpreter", "Interpreter", "#ff7f0e", "")]
        write_svg(svg, sizes, mix, series)

def write_svg(path, sizes, mix, series):
    w, h, left, right, top, bottom = 720, 440, 80, 190, 40, 60
    vals = [mix[n][k][0] for n in sizes for _, k, _, _ in series if mix[n].get(k)]
    lo = 10 ** math.floor(math.log10(min(vals)))
    hi = 10 ** math.ceil(math.log10(max(vals)))
    def x(n):
        return left + (math.log10(n) - 1) / 3 * (w - left - right)
    def y(v):
        return top + (math.log10(hi) - math.log10(v)) / (math.log10(hi) - math.log10(lo)) * (h - top - bottom)
    e = []
    e.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">')
    e.append(f'<rect width="{w}" height="{h}" fill="white"/>')
    e.append(f'<text x="{w / 2 - 60}" y="22" text-anchor="middle" font-size="14">Cost of one classify decision against policy size</text>')
    d = lo
    while d <= hi * 1.0001:
        e.append(f'<line x1="{left}" y1="{y(d):.1f}" x2="{w - right}" y2="{y(d):.1f}" stroke="#ddd"/>')
        e.append(f'<text x="{left - 6}" y="{y(d) + 4:.1f}" text-anchor="end">{d:,.0f}</text>')
        d *= 10
    for n in sizes:
        e.append(f'<line x1="{x(n):.1f}" y1="{top}" x2="{x(n):.1f}" y2="{h - bottom}" stroke="#eee"/>')
        e.append(f'<text x="{x(n):.1f}" y="{h - bottom + 18}" text-anchor="middle">{n:,}</text>')
    e.append(f'<text x="{(left + w - right) / 2:.0f}" y="{h - 15}" text-anchor="middle">rules in the policy (log scale)</text>')
    e.append(f'<text transform="translate(18,{(top + h - bottom) / 2:.0f}) rotate(-90)" text-anchor="middle">ns per decision (log scale)</text>')
    e.append(f'<rect x="{left}" y="{top}" width="{w - left - right}" height="{h - top - bottom}" fill="none" stroke="#333"/>')
    for i, (label, k, color, dash) in enumerate(series):
        pts = [(x(n), y(mix[n][k][0])) for n in sizes if mix[n].get(k)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        e.append(f'<polyline fill="none" stroke="{color}" stroke-width="2"{dash_attr} points="' + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts) + '"/>')
        for a, b in pts:
            e.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{color}"/>')
        ly = top + 10 + i * 20
        e.append(f'<line x1="{w - right + 12}" y1="{ly}" x2="{w - right + 36}" y2="{ly}" stroke="{color}" stroke-width="2"{dash_attr}/>')
        e.append(f'<text x="{w - right + 42}" y="{ly + 4}">{label}</text>')
    e.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(e) + "\n")

if __name__ == "__main__":
    main(sys.argv[1:])
