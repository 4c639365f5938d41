"""Command line: `calibrate` and `run` (see the package docstring)."""

import argparse
import json
import sys

from . import runner


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m schedlab_dask")
    sub = parser.add_subparsers(dest="command", required=True)
    cal = sub.add_parser("calibrate", help="measure loop rate, per-task overhead and transfers")
    cal.add_argument("--workers", type=int, default=2)
    cal.add_argument("out")
    run = sub.add_parser("run", help="run one DAG (JSON) and write its task stream (JSON)")
    run.add_argument("input")
    run.add_argument("out")
    order = sub.add_parser("order", help="write Dask's static priority of each task of a DAG (JSON)")
    order.add_argument("input")
    order.add_argument("out")
    args = parser.parse_args(argv)
    if args.command == "calibrate":
        result = runner.calibrate(args.workers)
    else:
        with open(args.input, encoding="utf-8") as f:
            job = json.load(f)
        result = runner.run(job) if args.command == "run" else runner.priorities(job)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
