"""SAGA 2.1.0's makespans on SAGA's own random instances, as test fixtures.

Run by scripts/saga-reference.sh (which makes the virtual environment):

    PYTHONHASHSEED=0 .venv-saga/bin/python scripts/saga_reference.py OUT_DIR

Writes OUT_DIR/NAME.json for each instance (a SAGA problem instance: task graph
and network as networkx node-link JSON, node `weight` = cost or speed, edge
`weight` = data size or link strength, self links included) and
OUT_DIR/reference.json with each scheduler's makespan per instance.

SAGA keeps nodes and tasks in frozensets, so the order it tries nodes in, and
so its tie-breaking, follows Python's string hashing. The instances are made
under PYTHONHASHSEED=0, and each file lists the nodes in the order SAGA
iterates them under that seed and the tasks in SAGA's topological order:
schedlab, trying nodes in file order, breaks ties between nodes as SAGA does.
Where SAGA iterates other sets (ETF's sets of node and task names, Min-Min's
and Max-Min's task sets), the order cannot be carried by a file; schedlab's
`etf:compat=saga` iterates them as CPython 3.12 does under PYTHONHASHSEED=0
(schedulers/src/python_set.rs). To show which results depend on the order,
every scheduler is also run under PYTHONHASHSEED=1..3 on the same files;
`order_sensitive` lists the (instance, scheduler) pairs whose makespan
changed. The Rust test compares them too, for seed 0.
"""

import json
import os
import pathlib
import random
import subprocess
import sys

import numpy as np

SEED = 2026
np.random.seed(SEED)  # before importing SAGA: its default weight distribution samples at import

import networkx as nx  # noqa: E402
from saga import Network, TaskGraph  # noqa: E402
from saga.schedulers import (  # noqa: E402
    CpopScheduler,
    ETFScheduler,
    FastestNodeScheduler,
    HeftScheduler,
    MaxMinScheduler,
    MinMinScheduler,
    PEFTScheduler,
)
from saga.schedulers.data import random as saga_random  # noqa: E402
from saga.utils import random_graphs  # noqa: E402

SCHEDULERS = {
    "heft": HeftScheduler,
    "cpop": CpopScheduler,
    "peft": PEFTScheduler,
    "min-min": MinMinScheduler,
    "max-min": MaxMinScheduler,
    "etf": ETFScheduler,
    "fastest-node": FastestNodeScheduler,
}
CHECK_SEEDS = ["1", "2", "3"]


def instances():
    """(name, task graph, network) from SAGA's generators, seeded."""
    random.seed(SEED)
    np.random.seed(SEED)
    res = []
    for i in range(8):
        (tg,) = saga_random.gen_out_trees(1, num_levels=2 + i % 2, branching_factor=2)
        (net,) = saga_random.gen_random_networks(1, num_nodes=3 + i % 3)
        res.append((f"out-tree-{i}", tg, net))
    for i in range(8):
        (tg,) = saga_random.gen_in_trees(1, num_levels=2 + i % 2, branching_factor=2)
        (net,) = saga_random.gen_random_networks(1, num_nodes=3 + i % 3)
        res.append((f"in-tree-{i}", tg, net))
    for i in range(8):
        (tg,) = saga_random.gen_parallel_chains(1, num_chains=2 + i % 3, chain_length=3)
        (net,) = saga_random.gen_random_networks(1, num_nodes=3 + i % 3)
        res.append((f"chains-{i}", tg, net))
    for i in range(8):
        tg = random_graphs.get_branching_dag(levels=3, branching_factor=2 + i % 2)
        net = random_graphs.get_network(num_nodes=3 + i % 3)
        res.append((f"branching-{i}", tg, net))
    for i in range(8):
        make = [random_graphs.get_diamond_dag, random_graphs.get_fork_dag][i % 2]
        tg = make()
        net = random_graphs.get_network(num_nodes=2 + i % 4)
        res.append((f"{make.__name__[4:-4]}-{i}", tg, net))
    return res


def node_link(nodes, edges, directed):
    return {
        "directed": directed,
        "multigraph": False,
        "graph": {},
        "nodes": [{"id": n, "weight": w} for n, w in nodes],
        "edges": [{"source": s, "target": t, "weight": w} for s, t, w in edges],
    }


def to_json(name, tg, net):
    tasks = [(t.name, t.cost) for t in tg.topological_sort()]
    deps = sorted((d.source, d.target, d.size) for d in tg.dependencies)
    nodes = [(n.name, n.speed) for n in net.nodes]  # SAGA's iteration order
    links = sorted((e.source, e.target, e.speed) for e in net.edges)
    return {
        "name": name,
        "task_graph": node_link(tasks, deps, True),
        "network": node_link(nodes, links, False),
    }


def from_json(doc):
    tg = TaskGraph.from_nx(nx.node_link_graph(doc["task_graph"], edges="edges"))
    net = Network.from_nx(nx.node_link_graph(doc["network"], edges="edges"))
    return tg, net


def run_all(tg, net):
    return {k: s().schedule(net, tg).makespan for k, s in SCHEDULERS.items()}


def makespans(paths):
    res = {}
    for path in paths:
        res[path] = run_all(*from_json(json.loads(pathlib.Path(path).read_text())))
    return res


def write_instance(out, name, tg, net):
    """Writes the instance in the order SAGA iterates it once read back, and
    returns the path and the objects read back. (Reading a file back need not
    iterate nodes in the file's order, as set order depends on insertion order
    when hashes collide; the objects read back from one listing are listed
    in the file, so the file's order is the order their run used.)"""
    tg, net = from_json(to_json(name, tg, net))
    path = out / f"{name}.json"
    path.write_text(json.dumps(to_json(name, tg, net), indent=1) + "\n")
    return str(path), tg, net


def main():
    if sys.argv[1] == "--makespans":
        print(json.dumps(makespans(sys.argv[2:])))
        return
    assert os.environ.get("PYTHONHASHSEED") == "0", "run under PYTHONHASHSEED=0"
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    written = [write_instance(out, *inst) for inst in instances()]
    paths = [path for path, _, _ in written]
    reference = {path: run_all(tg, net) for path, tg, net in written}
    sensitive = set()
    for seed in CHECK_SEEDS:
        env = dict(os.environ, PYTHONHASHSEED=seed)
        text = subprocess.run(
            [sys.executable, __file__, "--makespans", *paths], env=env, check=True, capture_output=True, text=True
        ).stdout
        for path, row in json.loads(text).items():
            for k, m in row.items():
                if abs(m - reference[path][k]) > 1e-7 * abs(m):
                    sensitive.add((pathlib.Path(path).stem, k))
    doc = {
        "saga": "anrg-saga 2.1.0",
        "pythonhashseed": 0,
        "command": "scripts/saga-reference.sh",
        "makespans": {pathlib.Path(p).stem: row for p, row in reference.items()},
        "order_sensitive": sorted([i, k] for i, k in sensitive),
    }
    (out / "reference.json").write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    for k in SCHEDULERS:
        n = sum(1 for _, s in sensitive if s == k)
        print(f"{k}: {len(paths) - n} of {len(paths)} instances independent of set order")


if __name__ == "__main__":
    main()
