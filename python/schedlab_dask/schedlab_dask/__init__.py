"""Real Dask runs of schedlab DAGs, for `schedlab validate --runtime dask`.

`python -m schedlab_dask calibrate --workers N OUT.json` measures this
machine's Dask: the busy loop's rate, the scheduler's cost per task and the
inter-worker transfer latency and bandwidth. `python -m schedlab_dask run
IN.json OUT.json` runs one DAG on a LocalCluster of N single-threaded
workers, each pinned to a core, and writes Dask's own record of the run
(the task stream: worker, compute start and stop, transfers). `python -m
schedlab_dask order IN.json OUT.json` writes Dask's static priority of each
task (`dask.order`), which decides what a worker runs next.
"""
