#!/usr/bin/python3
"""Parses h2load and wrk output for scripts/bench, checks it, keeps the
figures in a JSON-lines file and prints the final table.

  h2load NAME DIR       reads DIR/h2load.*.out and DIR/h2load.*.log (one pair
                        per h2load process run in parallel) and records them
  wrk NAME FILE         reads the BENCH_RESULT line of requests.lua
  stored NAME N         checks that N stored items match what the load tool
                        counted as successful
  note KEY VALUE        records a single figure (start-up time, memory, ...)
  get NAME KEY          prints one field of a recorded run (the bench reads
                        the peak rate this way to offer half of it)
  report                prints the table (also written to --text)

Every subcommand exits non-zero, with the reason on stderr, when the figures
cannot be trusted: an error status, a failed stream, a socket error, gRPC
replies whose byte count shows they carried no message (a gRPC error is an
HTTP 200 with a grpc-status trailer and no body), or a stored count that
disagrees with the successful responses.
"""

import argparse
import glob
import json
import os
import re
import sys


class Untrusted(Exception):
    pass


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def load(path):
    records = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    records[r["name"]] = r
    return records


def append(path, record):
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")


def parse_h2load(text, where):
    def grab(pattern):
        m = re.search(pattern, text)
        if not m:
            tail = " | ".join(text.strip().splitlines()[-3:])
            raise Untrusted("%s: h2load did not finish its report (ends: %s)" % (where, tail))
        return m

    finished = grab(r"finished in ([\d.]+)s, ([\d.]+) req/s")
    req = grab(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, "
               r"(\d+) errored, (\d+) timeout")
    codes = grab(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx")
    traffic = grab(r"traffic: .*?\((\d+)\) total, .*?\((\d+)\) headers .*?, .*?\((\d+)\) data")
    total, started, done, succeeded, failed, errored, timeout = map(int, req.groups())
    return {
        "seconds": float(finished.group(1)), "rps": float(finished.group(2)),
        "started": started, "done": done, "succeeded": succeeded, "failed": failed,
        "errored": errored, "timeout": timeout,
        "non2xx": int(codes.group(2)) + int(codes.group(3)) + int(codes.group(4)),
        "data_bytes": int(traffic.group(3)),
    }


def print_run(record, extra=""):
    print("%-34s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms%s" % (
        record["name"], record["rps"], record["p50_ms"], record["p99_ms"], extra))


def cmd_h2load(args):
    outs = sorted(glob.glob(os.path.join(args.dir, "h2load.*.out")))
    if not outs:
        raise Untrusted("%s: no h2load output in %s" % (args.name, args.dir))
    parts = []
    for path in outs:
        with open(path) as f:
            parts.append(parse_h2load(f.read(), path))
    latencies = []
    for path in sorted(glob.glob(os.path.join(args.dir, "h2load.*.log"))):
        with open(path) as f:
            for line in f:
                fields = line.split("\t")
                if len(fields) >= 3 and fields[1] == "200":
                    latencies.append(int(fields[2]))
    latencies.sort()
    sums = {k: sum(p[k] for p in parts) for k in
            ("rps", "started", "done", "succeeded", "failed", "errored", "timeout", "non2xx",
             "data_bytes")}
    record = {"name": args.name, "tool": "h2load", "processes": len(parts),
              "seconds": max(p["seconds"] for p in parts), **sums,
              "p50_ms": percentile(latencies, 50) / 1000.0,
              "p99_ms": percentile(latencies, 99) / 1000.0,
              "offered_rps": args.rate}
    problems = []
    if sums["failed"] or sums["errored"] or sums["timeout"] or sums["non2xx"]:
        problems.append("%d failed, %d errored, %d timed out, %d non-2xx"
                        % (sums["failed"], sums["errored"], sums["timeout"], sums["non2xx"]))
    if sums["succeeded"] == 0:
        problems.append("no request succeeded")
    elif args.expect_bytes:
        # Every reply of these methods carries a message of a known size
        # (ids have fixed lengths; timestamps vary by a few bytes); an error
        # reply carries none. Checked per h2load process: each may post a
        # different request.
        expected = [int(x) for x in args.expect_bytes.split(",")]
        per_reply = []
        for k, p in enumerate(parts):
            want = expected[k % len(expected)]
            if p["succeeded"] == 0:
                problems.append("h2load process %d had no successful reply" % k)
                continue
            got = p["data_bytes"] / p["succeeded"]
            per_reply.append(round(got, 1))
            if abs(got - want) > args.byte_tolerance:
                problems.append("process %d: replies average %.1f bytes of gRPC data, a correct "
                                "one has %d: some replies were gRPC errors" % (k, got, want))
        record["bytes_per_reply"] = per_reply
    record["problems"] = problems
    append(args.results, record)
    if problems:
        raise Untrusted("%s: %s" % (args.name, "; ".join(problems)))
    if not args.check_stored:
        print_run(record)


def cmd_wrk(args):
    with open(args.file) as f:
        text = f.read()
    m = re.search(r"BENCH_RESULT (.*)", text)
    if not m:
        raise Untrusted("%s: wrk printed no result (see %s)" % (args.name, args.file))
    v = {k: float(x) for k, x in (kv.split("=") for kv in m.group(1).split())}
    errors = v["connect_errors"] + v["read_errors"] + v["write_errors"] + v["timeouts"]
    seconds = v["duration_us"] / 1e6
    record = {"name": args.name, "tool": "wrk", "seconds": seconds,
              "rps": v["requests"] / seconds, "done": int(v["requests"]),
              "succeeded": int(v["requests"] - v["status_errors"]),
              "non2xx": int(v["status_errors"]), "socket_errors": int(errors),
              "connections": args.connections,
              "p50_ms": v["p50_us"] / 1000.0, "p99_ms": v["p99_us"] / 1000.0,
              "offered_rps": args.rate}
    problems = []
    if v["status_errors"]:
        problems.append("%d responses with status >= 400" % v["status_errors"])
    if errors:
        problems.append("%d socket errors or timeouts" % errors)
    if v["requests"] == 0:
        problems.append("no request completed")
    record["problems"] = problems
    append(args.results, record)
    if problems:
        raise Untrusted("%s: %s" % (args.name, "; ".join(problems)))
    if not args.check_stored:
        print_run(record)


def cmd_stored(args):
    """A timed run stops with requests in flight: the server may have stored
    those although the tool never counted their replies. So the stored count
    must lie between the successful replies and those plus what was in
    flight."""
    r = load(args.results)[args.name]
    low = r["succeeded"]
    if r["tool"] == "h2load":
        in_flight = r["started"] - r["done"]
    else:
        in_flight = r["connections"]
    high = low + in_flight
    ok = low <= args.count <= high
    append(args.results, {**r, "stored": args.count, "stored_ok": ok})
    if not ok:
        raise Untrusted("%s: the server stored %d, but %d replies succeeded (up to %d more "
                        "were in flight)" % (args.name, args.count, low, in_flight))
    print_run(r, "  (stored %d = %d replies + %d of %d in flight)"
              % (args.count, low, args.count - low, in_flight))


def cmd_get(args):
    print(load(args.results)[args.name][args.key])


def cmd_note(args):
    append(args.results, {"name": args.key, "tool": "note", "value": args.value})


def fmt_rate(r):
    return "%.0f" % r["rps"] if r else "-"


def fmt_ms(r, key):
    return "%.2f" % r[key] if r else "-"


def gateway_checks(rps, ratio):
    """The REST gateway's targets: against gRPC, and against grpc-gateway (Go)."""
    return [
        ("REST status / gRPC status >= 0.60", ratio(rps("rest_status"), rps("grpc_status")),
         0.60, ">="),
        ("REST status / grpc-gateway's >= 2", ratio(rps("rest_status"), rps("gw_rest_status")),
         2.0, ">="),
    ]


def gateway_peer_lines(records, notes):
    """Rows 3 and 4b against the same requests through grpc-gateway (Go)."""
    lines = ["The REST gateway against grpc-gateway (Go, %s) in front of the same server:"
             % notes.get("grpc_gateway", "not run")]
    header = "  %-36s %12s %9s %9s  %14s %9s %9s  %6s" % (
        "", "ours req/s", "p50 ms", "p99 ms", "grpc-gw req/s", "p50 ms", "p99 ms", "ratio")
    lines.append(header)
    for label, ours, theirs in (("REST GET messages/{id}/status", "rest_status", "gw_rest_status"),
                                ("REST POST messages/send", "rest_send", "gw_rest_send")):
        a, b = records.get(ours), records.get(theirs)
        lines.append("  %-36s %12s %9s %9s  %14s %9s %9s  %6s" % (
            label, fmt_rate(a), fmt_ms(a, "p50_ms"), fmt_ms(a, "p99_ms"), fmt_rate(b),
            fmt_ms(b, "p50_ms"), fmt_ms(b, "p99_ms"),
            "%.2f" % (a["rps"] / b["rps"]) if a and b and b["rps"] else "-"))
    lines.append("")
    return lines


def targets(records, notes):
    """Each target of the performance issue, with this run's figure and whether it holds."""
    def rps(key):
        r = records.get(key)
        return r["rps"] if r else None

    def p99(key):
        r = records.get(key)
        return r["p99_ms"] if r else None

    def num(key):
        try:
            return float(notes[key])
        except (KeyError, ValueError):
            return None

    def ratio(a, b):
        return a / b if a is not None and b else None

    checks = [
        ("gRPC send / empty call >= 0.60", ratio(rps("grpc_send"), rps("grpc_health")), 0.60, ">="),
        ("REST send / gRPC send >= 0.85", ratio(rps("rest_send"), rps("grpc_send")), 0.85, ">="),
        ("gRPC send p99 at half peak <= 5 ms", p99("grpc_send_half"), 5.0, "<="),
        ("REST send p99 at half peak <= 5 ms", p99("rest_send_half"), 5.0, "<="),
        ("1M messages: gRPC status p99 (half) <= 2 ms", p99("large_grpc_status_half"), 2.0, "<="),
        ("1M messages: REST status p99 (half) <= 2 ms", p99("large_rest_status_half"), 2.0, "<="),
        ("1M messages: gRPC conversation p99 (half) <= 2 ms", p99("large_grpc_conversation_half"),
         2.0, "<="),
        ("1M messages: REST conversation p99 (half) <= 2 ms", p99("large_rest_conversation_half"),
         2.0, "<="),
        ("1M messages: start-up <= 300 ms", num("large_startup_ms"), 300, "<="),
        ("1M messages: resident memory <= 150 MB", num("large_rss_after_mb"), 150, "<="),
        ("callbacks applied / gRPC sends >= 3", ratio(num("callbacks_applied_per_s"),
                                                     rps("grpc_send")), 3.0, ">="),
    ] + scale_out_targets(records, notes)
    checks += gateway_checks(rps, ratio)
    lines = []
    for label, value, bound, op in checks:
        if value is None:
            lines.append("%-52s %8s  not measured" % (label, "-"))
            continue
        met = value >= bound if op == ">=" else value <= bound
        lines.append("%-52s %8.2f  %s" % (label, value, "met" if met else "NOT MET"))
        if label.startswith("PG gRPC sends"):
            wide = ratio(rps("pg_rest_send_wide"), rps("rest_send_wide"))
            lines.append("  beside it, not a target: REST sends over %s guests, PG/SQLite %s"
                         % (notes.get("wide_guests", "?"), "-" if wide is None else
                            "%.2f" % wide))
    return lines


# One instance driven alone just before the two, on the same database
# (scripts/bench, two_instances_run): what the two are compared with.
ONE_INSTANCE = "pg_one_again"


def scale_out_lines(records, notes):
    """Issue 25: two wa-server instances on one PostgreSQL against one, the
    CPU a stored message costs each process, and SQLite's slow commits."""
    lines = []
    one, two = records.get(ONE_INSTANCE) or records.get("pg_grpc_send"), records.get("pg_two_send")
    if two:
        lines.append("%-44s %10s %9s %9s  %s" % (
            "2 gRPC SendMessage, two instances together", fmt_rate(two), fmt_ms(two, "p50_ms"),
            fmt_ms(two, "p99_ms"),
            "(stored %s; one instance just before, same database: %s/s, ratio %s)" % (
                two.get("stored", "?"), fmt_rate(one),
                "%.2f" % (two["rps"] / one["rps"]) if one and one["rps"] else "-")))
    for key, label in (("pg_grpc_send_cpu", "one instance"),
                       ("pg_one_again_cpu", "one instance just before the two"),
                       ("pg_two_send_cpu", "two instances")):
        if key in notes:
            server, postgres, server_cores, postgres_cores = notes[key].split()
            lines.append("  CPU per stored send, %s: wa-server %s ms, PostgreSQL %s ms "
                         "(cores busy: %s and %s)" % (label, server, postgres, server_cores,
                                                     postgres_cores))
    if "grpc_send_cpu" in notes:
        server = notes["grpc_send_cpu"].split()
        lines.append("  CPU per stored send on SQLite: wa-server %s ms (cores busy: %s)"
                     % (server[0], server[2]))
    return lines


def scale_out_targets(records, notes):
    """Issue 25's targets: (label, value, bound, op)."""
    def rps(key):
        r = records.get(key)
        return r["rps"] if r else None

    def ratio(a, b):
        return a / b if a is not None and b else None

    slow = None
    if "slow_commits_grpc_send_half" in notes:
        commits, over = (int(x) for x in notes["slow_commits_grpc_send_half"].split())
        slow = 100.0 * over / commits if commits else None
    return [
        ("gRPC send / empty call >= 0.40", ratio(rps("grpc_send"), rps("grpc_health")), 0.40,
         ">="),
        ("SQLite commits > 5 ms at half peak (gRPC) <= 1%", slow, 1.0, "<="),
        ("PG gRPC sends / SQLite's >= 0.5", ratio(rps("pg_grpc_send"), rps("grpc_send")), 0.5,
         ">="),
        ("PG gRPC status reads / SQLite's >= 0.5",
         ratio(rps("pg_grpc_status"), rps("grpc_status")), 0.5, ">="),
        ("PG two instances / one instance >= 0.9",
         ratio(rps("pg_two_send"), rps(ONE_INSTANCE) or rps("pg_grpc_send")), 0.9, ">="),
    ]


def cmd_report(args):
    records = load(args.results)
    notes = {k: r["value"] for k, r in records.items() if r["tool"] == "note"}
    lines = []
    out = lines.append
    out("wa-server benchmark, %s, commit %s, %s" % (
        notes.get("date", "?"), notes.get("commit", "?"), notes.get("machine", "?")))
    out("gRPC: h2load, %s; REST: wrk, %s; %s s per run"
        % (notes.get("h2load_shape", "?"), notes.get("wrk_shape", "?"),
           notes.get("duration", "?")))
    out("%s; disk: %s fdatasync/s; load average before %s, after %s; %s s without the build"
        % (notes.get("tools", "?"), notes.get("fdatasync_per_s", "?"),
           notes.get("load_before", "?"), notes.get("load_after", "?"),
           notes.get("bench_seconds", "?")))
    out("")
    header = "%-44s %10s %9s %9s  %10s %9s %9s" % (
        "", "peak req/s", "p50 ms", "p99 ms", "half: req/s", "p50 ms", "p99 ms")
    out(header)
    out("-" * len(header))

    def ratio(a, b):
        ra, rb = records.get(a), records.get(b)
        return "%.2f" % (ra["rps"] / rb["rps"]) if ra and rb and rb["rps"] else "-"

    rows = [
        ("1 gRPC Health/Check (baseline)", "grpc_health"),
        ("2 gRPC SendMessage", "grpc_send"),
        ("3 REST POST messages/send", "rest_send"),
        ("3w REST send, %s guests" % notes.get("wide_guests", "?"), "rest_send_wide"),
        ("4a gRPC GetMessageStatus", "grpc_status"),
        ("4b REST GET messages/{id}/status", "rest_status"),
        ("4c gRPC GetConversation (50 msgs)", "grpc_conversation"),
        ("4d REST GET conversations/{id} (50 msgs)", "rest_conversation"),
        ("5a gRPC SendTemplateMessage", "grpc_template"),
        ("5b REST POST provider/webhook (Meta status)", "rest_callbacks"),
    ]
    for label, key in rows:
        peak, half = records.get(key), records.get(key + "_half")
        out("%-44s %10s %9s %9s  %10s %9s %9s" % (
            label, fmt_rate(peak), fmt_ms(peak, "p50_ms"), fmt_ms(peak, "p99_ms"),
            fmt_rate(half), fmt_ms(half, "p50_ms"), fmt_ms(half, "p99_ms")))
    out("%-44s %10s   (acknowledged callbacks over the run plus the time to apply them)"
        % ("5c  Meta status callbacks applied", notes.get("callbacks_applied_per_s", "-")))
    out("")
    out("The same loads on PostgreSQL (%s, local, fsync on; start-up %s ms):"
        % (notes.get("pg_version", "?"), notes.get("pg_small_startup_ms", "?")))
    out(header + "  PG/SQLite")
    for label, key in rows[1:]:
        peak, half = records.get("pg_" + key), records.get("pg_" + key + "_half")
        out("%-44s %10s %9s %9s  %10s %9s %9s  %9s" % (
            label, fmt_rate(peak), fmt_ms(peak, "p50_ms"), fmt_ms(peak, "p99_ms"),
            fmt_rate(half), fmt_ms(half, "p50_ms"), fmt_ms(half, "p99_ms"),
            ratio("pg_" + key, key)))
    out("%-44s %10s" % ("5c  Meta status callbacks applied",
                        notes.get("pg_callbacks_applied_per_s", "-")))
    for line in scale_out_lines(records, notes):
        out(line)
    out("")

    lines.extend(gateway_peer_lines(records, notes))

    out("Ratios of peak throughput (same run):")
    out("  2/1 gRPC SendMessage / empty gRPC call      %s" % ratio("grpc_send", "grpc_health"))
    out("  3/2 REST send / gRPC send                   %s" % ratio("rest_send", "grpc_send"))
    out("  5/1 Meta callback (REST) / empty gRPC call  %s" % ratio("rest_callbacks", "grpc_health"))
    out("  5a/2 template send / text send              %s" % ratio("grpc_template", "grpc_send"))
    out("  4a/1 gRPC GetMessageStatus / empty call     %s" % ratio("grpc_status", "grpc_health"))
    out("  4c/1 gRPC GetConversation / empty call      %s" % ratio("grpc_conversation",
                                                               "grpc_health"))
    out("")
    out("Checked: no non-2xx, no failed stream, no socket error; gRPC replies carry a message "
        "(bytes per reply); stored = successful replies (+ in flight at the end):")
    for key in [p + k for p in ("", "pg_") for k in (
            "grpc_send", "grpc_send_half", "rest_send", "rest_send_half", "grpc_template",
            "grpc_template_half", "rest_callbacks", "one_again", "two_send", "gw_rest_send",
            "rest_send_wide")]:
        r = records.get(key)
        if r and "stored" in r:
            out("  %-16s stored %7d  successful replies %7d  %s" % (
                key, r["stored"], r["succeeded"], "ok" if r["stored_ok"] else "MISMATCH"))
    for prefix, store in (("", "SQLite"), ("pg_", "PostgreSQL")):
        for key, label in (("drain_grpc_send", "send queue drained after gRPC sends"),
                           ("drain_rest_send", "send queue drained after REST sends"),
                           ("callbacks_processed", "callbacks processed after the webhook run")):
            if prefix + key in notes:
                out("  %s: %s in %s s" % (store, label, notes[prefix + key]))
    if "writer_during_grpc_send" in notes:
        out("  SQLite writer during the gRPC send run: %s" % notes["writer_during_grpc_send"])
    out("")
    out("Large database: %s messages in %s conversations (%s guests), wa.db %s MB, generated in %s s"
        % (notes.get("large_messages", "?"), notes.get("large_conversations", "?"),
           notes.get("large_guests", "?"), notes.get("large_db_mb", "?"),
           notes.get("large_generate_s", "?")))
    out("  start-up to listening: %s ms (empty database: %s ms)"
        % (notes.get("large_startup_ms", "?"), notes.get("small_startup_ms", "?")))
    out("  VmRSS after start: %s MB; after the read load: %s MB (empty database after start: %s MB)"
        % (notes.get("large_rss_start_mb", "?"), notes.get("large_rss_after_mb", "?"),
           notes.get("small_rss_start_mb", "?")))
    header = "  %-52s %10s %9s %9s  %10s %9s %9s" % (
        "", "peak req/s", "p50 ms", "p99 ms", "half: req/s", "p50 ms", "p99 ms")
    out(header)
    for label, key in (
            ("gRPC GetConversation (50 msgs, %s ids)" % notes.get("large_ids", "?"),
             "large_grpc_conversation"),
            ("gRPC GetMessageStatus (%s ids)" % notes.get("large_ids", "?"), "large_grpc_status"),
            ("gRPC ListConversations by guest_phone (%s guests)" % notes.get("large_ids", "?"),
             "large_grpc_list"),
            ("REST GET conversations/{id} (random of %s)" % notes.get("large_rest_ids", "?"),
             "large_rest_conversation"),
            ("REST GET messages/{id}/status (random of %s)" % notes.get("large_rest_ids", "?"),
             "large_rest_status"),
            ("REST GET conversations?guest_phone= (random of %s)"
             % notes.get("large_rest_ids", "?"), "large_rest_list")):
        r, h = records.get(key), records.get(key + "_half")
        out("  %-52s %10s %9s %9s  %10s %9s %9s" % (
            label, fmt_rate(r), fmt_ms(r, "p50_ms"), fmt_ms(r, "p99_ms"),
            fmt_rate(h), fmt_ms(h, "p50_ms"), fmt_ms(h, "p99_ms")))
    out("")
    out("Targets (issue 8), from this run:")
    for line in targets(records, notes):
        out("  " + line)
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.text:
        with open(args.text, "w") as f:
            f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", required=True, help="JSON-lines file of the run")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("h2load")
    p.add_argument("name")
    p.add_argument("dir")
    p.add_argument("--expect-bytes", default="", help="per process, comma-separated")
    p.add_argument("--byte-tolerance", type=float, default=2.0)
    p.add_argument("--rate", type=float, default=0)
    p.add_argument("--check-stored", action="store_true",
                   help="print nothing yet: a stored count follows")
    p.set_defaults(func=cmd_h2load)
    p = sub.add_parser("wrk")
    p.add_argument("name")
    p.add_argument("file")
    p.add_argument("--connections", type=int, required=True)
    p.add_argument("--rate", type=float, default=0)
    p.add_argument("--check-stored", action="store_true",
                   help="print nothing yet: a stored count follows")
    p.set_defaults(func=cmd_wrk)
    p = sub.add_parser("stored")
    p.add_argument("name")
    p.add_argument("count", type=int)
    p.set_defaults(func=cmd_stored)
    p = sub.add_parser("get")
    p.add_argument("name")
    p.add_argument("key")
    p.set_defaults(func=cmd_get)
    p = sub.add_parser("note")
    p.add_argument("key")
    p.add_argument("value")
    p.set_defaults(func=cmd_note)
    p = sub.add_parser("report")
    p.add_argument("--text", default="")
    p.set_defaults(func=cmd_report)
    args = parser.parse_args()
    try:
        args.func(args)
    except Untrusted as e:
        sys.stderr.write("bench: NOT TRUSTWORTHY: %s\n" % e)
        sys.exit(3)


if __name__ == "__main__":
    main()
