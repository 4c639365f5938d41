"""Real Dask runs and the calibration of the simulated Dask platform.

Every run starts a fresh LocalCluster of N worker processes with one thread
each, every thread of worker i pinned to core i (mod the core count), so the
workers do not migrate and the scheduler and client share what is left.
A task is `busy`: it keeps its core busy for its work in seconds (a loop
on the monotonic clock, so its length does not depend on a loop rate that
other processes on the machine would change), then returns a NumPy array of
its output size, which Dask moves to consumers on other workers itself. Times in the output are seconds from the
moment the graph was handed to the client.
"""

import os
import time
from contextlib import contextmanager

import numpy as np
from distributed import Client, LocalCluster, get_task_stream, wait

# Tasks in the chain that measures the cost per task, and each one's work:
# busy tasks, as in the runs, so the workers' cores are as contended as then.
CHAIN_TASKS = 100
CHAIN_WORK = 0.01
# Bytes of the transfers the calibration times, and repetitions of each.
TRANSFER_SIZES = [0, 10_000, 100_000, 1_000_000, 4_000_000, 16_000_000]
TRANSFER_REPS = 3
# Seconds of the busy task each worker runs while a loaded transfer is timed.
TRANSFER_LOAD = 0.3


# (task index, start, stop) of the tasks this worker process ran, on the
# machine's wall clock. Dask's task stream shifts each worker's times by an
# estimate of its clock offset from the scheduler's, which on one machine is
# noise of a millisecond or so; every process here reads the same clock.
_LOG = []


def busy(index, seconds, out_bytes, *inputs):
    """Keeps the core busy for `seconds` (task `index`'s work), then returns
    its output; logs when it ran unless `index` is None."""
    start = time.time()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    if index is not None:
        _LOG.append((index, start, time.time()))
    return np.empty(out_bytes, dtype=np.uint8)


def _take_log():
    """This worker's log, emptied."""
    log = list(_LOG)
    _LOG.clear()
    return log


def _pin(core):
    """Pins every thread of this worker process to `core` (mod the core count)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    target = {core % os.cpu_count()}
    for tid in os.listdir("/proc/self/task"):
        try:
            os.sched_setaffinity(int(tid), target)
        except OSError:
            pass
    return sorted(target)


@contextmanager
def cluster(workers):
    """A LocalCluster of `workers` pinned single-threaded workers, its client,
    and the worker addresses in index order."""
    with LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=40,
    ) as local, Client(local) as client:
        client.wait_for_workers(workers)
        addresses = sorted(client.scheduler_info()["workers"])
        for i, address in enumerate(addresses):
            client.run(_pin, i, workers=[address])
        yield client, addresses


def _transfers(data, addresses, t0):
    """The fetches of Dask's task stream, times from `t0`."""
    index = {a: i for i, a in enumerate(addresses)}
    transfers = []
    for record in data:
        key = record["key"]
        worker = index.get(record["worker"], -1)
        for ss in record["startstops"]:
            if ss["action"] == "transfer":
                transfers.append(
                    {
                        "key": key,
                        "worker": worker,
                        "source": index.get(ss.get("source"), -1),
                        "start": ss["start"] - t0,
                        "stop": ss["stop"] - t0,
                    }
                )
    return transfers


def _tasks(client, addresses, t0):
    """The tasks the workers logged, as `busy-<i>` records with times from `t0`."""
    logs = client.run(_take_log)
    tasks = []
    for i, address in enumerate(addresses):
        for index, start, stop in logs.get(address, []):
            tasks.append({"key": f"busy-{index}", "worker": i, "start": start - t0, "stop": stop - t0})
    return tasks


def _graph(job):
    """The job as a Dask graph: key `busy-<i>` runs `busy` on task i's inputs."""
    preds = [[] for _ in job["tasks"]]
    for src, dst in job["edges"]:
        preds[dst].append(src)
    graph = {}
    for i, task in enumerate(job["tasks"]):
        graph[f"busy-{i}"] = (busy, i, float(task["work"]), int(task["out_bytes"]), *[f"busy-{p}" for p in preds[i]])
    return graph


def priorities(job):
    """Dask's static priority of each task (`dask.order.order`, lower runs
    first among ready tasks on a worker), by task index."""
    from dask.order import order

    ranks = order(_graph(job))
    return {"priority": [int(ranks[f"busy-{i}"]) for i in range(len(job["tasks"]))]}


def run(job):
    """Runs `job` ({workers, tasks: [{work, out_bytes}], edges: [[src,
    dst]]}, work in seconds) as one Dask graph; returns its task stream."""
    workers = job["workers"]
    graph = _graph(job)
    keys = list(graph)
    with cluster(workers) as (client, addresses):
        with get_task_stream(client) as stream:
            t0 = time.time()
            futures = client.get(graph, keys, sync=False)
            wait(futures)
            end = time.time() - t0
        tasks = _tasks(client, addresses, t0)
        transfers = _transfers(stream.data, addresses, t0)
        del futures
    return {"workers": addresses, "end": end, "tasks": tasks, "transfers": transfers}


def _timed_transfer(client, addresses, src, dst, size, key, busy_for):
    """Seconds Dask took to move a result of `size` bytes from `src` to
    `dst`; with `busy_for` > 0 both workers run a busy task of that many
    seconds meanwhile (as in a run, where the workers compute while data
    moves, and a pure-Python task holds the GIL that the worker's
    communication needs too)."""
    out = client.submit(busy, None, 0, size, workers=[src], pure=False, key=f"out-{key}")
    wait(out)
    load = []
    if busy_for > 0:
        load = [client.submit(busy, None, busy_for, 0, workers=[w], pure=False, key=f"load-{key}-{w}") for w in (src, dst)]
        time.sleep(0.02)
    with get_task_stream(client) as stream:
        inp = client.submit(busy, None, 0, 0, out, workers=[dst], allow_other_workers=False, pure=False, key=f"in-{key}")
        wait([inp, *load])
    for t in _transfers(stream.data, addresses, 0.0):
        if t["key"] == f"in-{key}":
            return t["stop"] - t["start"]
    return None


def calibrate(workers):
    """Measures the cost per task (a chain of short busy tasks, less their
    work) and transfer times between two workers, fitted as latency + bytes
    / bandwidth, with both workers idle (the links the simulation takes) and
    with both busy (a pure-Python task holds the GIL that its worker's
    communication needs, which the simulation does not model: recorded to
    show by how much that slows a transfer)."""
    with cluster(workers) as (client, addresses):
        chain = {"c0": (busy, None, CHAIN_WORK, 0)}
        for i in range(1, CHAIN_TASKS):
            chain[f"c{i}"] = (busy, None, CHAIN_WORK, 0, f"c{i - 1}")
        began = time.time()
        wait(client.get(chain, [f"c{CHAIN_TASKS - 1}"], sync=False))
        per_task = max((time.time() - began) / CHAIN_TASKS - CHAIN_WORK, 0.0)
        idle, loaded = [], []
        if len(addresses) >= 2:
            src, dst = addresses[0], addresses[1]
            for size in TRANSFER_SIZES:
                for rep in range(TRANSFER_REPS):
                    for samples, busy_for, tag in ((idle, 0.0, "idle"), (loaded, TRANSFER_LOAD, "busy")):
                        seconds = _timed_transfer(client, addresses, src, dst, size, f"{tag}-{size}-{rep}", busy_for)
                        if seconds is not None:
                            samples.append((size, seconds))
    latency, bandwidth = _fit_line(idle)
    busy_latency, busy_bandwidth = _fit_line(loaded)
    return {
        "workers": len(addresses),
        "overhead_s": per_task,
        "latency_s": latency,
        "bandwidth_bps": bandwidth,
        "transfer_samples": idle,
        "busy_latency_s": busy_latency,
        "busy_bandwidth_bps": busy_bandwidth,
        "busy_transfer_samples": loaded,
        "cpu_count": os.cpu_count(),
    }


def _fit_line(samples):
    """Least-squares latency (intercept, >= 0) and bandwidth (1 / slope) of
    (bytes, seconds) samples; (0, inf) without two sizes."""
    if len({s for s, _ in samples}) < 2:
        return 0.0, float("inf")
    xs = np.array([s for s, _ in samples], dtype=float)
    ys = np.array([t for _, t in samples], dtype=float)
    slope, intercept = np.polyfit(xs, ys, 1)
    bandwidth = 1.0 / slope if slope > 0 else float("inf")
    return max(float(intercept), 0.0), float(bandwidth)
