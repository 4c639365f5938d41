#!/usr/bin/env bash
# End-to-end test of `schedlab slurm` on a real Slurm: starts a throwaway
# single-node cluster (munged, slurmctld, slurmd on 127.0.0.1, no systemd),
# runs a small sweep locally and as a job array through `schedlab slurm submit`
# (checking that `slurm status` sees it queued),
# loses one shard's results and resubmits it, merges, and checks that the merged
# folder equals the local run byte for byte. Stops every daemon it started.
#
#   scripts/slurm-e2e.sh PATH/TO/schedlab
#
# Exit status: 0 passed, 77 skipped (Slurm or munge not installed, or not root),
# anything else failed. Needs root (munged and slurmd run as root) and the
# Debian packages slurmctld slurmd slurm-client munge. Runs one at a time per
# machine (a lock), each in its own folder on free ports, so parallel or
# repeated runs and daemons left by a killed run do not interfere.
set -euo pipefail

SCHEDLAB=$(realpath "${1:?usage: slurm-e2e.sh PATH/TO/schedlab}")
T0=$(date +%s%3N)
say() { local d=$(( $(date +%s%3N) - T0 )); printf '[%3d.%03ds] %s\n' $((d / 1000)) $((d % 1000)) "$*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
trap 'echo "FAILED at line $LINENO: $BASH_COMMAND" >&2' ERR

missing=()
for cmd in munged mungekey munge unmunge slurmctld slurmd sbatch squeue scontrol sinfo flock; do
    command -v "$cmd" >/dev/null || missing+=("$cmd")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "skipped: not installed: ${missing[*]} (apt-get install slurmctld slurmd slurm-client munge)"
    exit 77
fi
if [ "$(id -u)" != 0 ]; then
    echo "skipped: needs root to run munged and slurmd"
    exit 77
fi

exec 9>/tmp/schedlab-slurm-e2e.lock
flock 9
BASE=$(mktemp -d /tmp/schedlab-slurm-e2e.XXXXXX)
mkdir -p "$BASE"/{etc,key,state,spool,log,run,work}
chmod 0755 "$BASE" "$BASE"/*  # munged rejects group- or world-writable folders
chmod 0700 "$BASE/key"
HOST=$(hostname -s)          # slurmd names itself after the host
mkdir -p "$BASE/spool/$HOST"
MEM=$(( $(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 - 512 ))

# Two free TCP ports for slurmctld and slurmd; a connection refused means free.
port_free() { ! (: >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORTS=()
for p in $(seq $(( 20000 + $$ % 20000 )) 2 $(( 20400 + $$ % 20000 ))); do
    port_free "$p" && port_free $((p + 1)) && { PORTS=("$p" $((p + 1))); break; }
done
[ ${#PORTS[@]} = 2 ] || fail "no free ports"

MUNGE_PID= CTLD_PID= SLURMD_PID=
stop_all() {
    set +e
    # Job steps (slurmstepd) outlive their job by a second or two: let them go first.
    for _ in $(seq 100); do compgen -G "$BASE/spool/$HOST/${HOST}_*" >/dev/null || break; sleep 0.05; done
    for _ in $(seq 100); do pgrep -x slurmstepd >/dev/null || break; sleep 0.05; done
    [ -z "$CTLD_PID" ] || scontrol shutdown >/dev/null 2>&1  # slurmctld and slurmd exit cleanly
    for p in $SLURMD_PID $CTLD_PID $MUNGE_PID; do
        [ "$p" = "$MUNGE_PID" ] && kill "$p" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$p" 2>/dev/null
    done
    wait 2>/dev/null
}
on_exit() {
    local rc=$?
    stop_all
    if [ "$rc" = 0 ]; then
        rm -rf "$BASE"
    else
        for f in "$BASE"/log/*.log "$BASE"/work/sharded/slurm/logs/*.err; do
            [ -s "$f" ] && { echo "--- $f"; tail -n 10 "$f"; }
        done
        echo "kept $BASE for inspection" >&2
    fi
    exit "$rc"
}
trap on_exit EXIT

SOCK="$BASE/run/munge.socket"
mungekey --create --keyfile="$BASE/key/munge.key"
munged -F --force --socket="$SOCK" --key-file="$BASE/key/munge.key" --pid-file="$BASE/run/munged.pid" \
    --seed-file="$BASE/key/munged.seed" >"$BASE/log/munged.log" 2>&1 &
MUNGE_PID=$!
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
munge -n -S "$SOCK" | unmunge -S "$SOCK" >/dev/null || fail "munge does not answer"
say "munged up (pid $MUNGE_PID)"

export SLURM_CONF="$BASE/etc/slurm.conf"  # sbatch, squeue and scontrol, also when schedlab calls them
cat >"$SLURM_CONF" <<EOF
ClusterName=schedlab-e2e
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=${PORTS[0]}
SlurmdPort=${PORTS[1]}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCK
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool/%n
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$BASE/log/jobcomp.txt
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=300
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=2 RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i -c -f "$SLURM_CONF" >"$BASE/log/slurmctld.stderr" 2>&1 &
CTLD_PID=$!
for _ in $(seq 200); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.05; done
scontrol ping | grep -q UP || fail "slurmctld did not start"
slurmd -D -f "$SLURM_CONF" >"$BASE/log/slurmd.stderr" 2>&1 &
SLURMD_PID=$!
state=
for _ in $(seq 200); do
    state=$(sinfo -h -N -o %t 2>/dev/null | head -n1)
    [[ "$state" == idle* ]] && break
    sleep 0.05
done
[[ "$state" == idle* ]] || fail "slurmd did not come up (node state '$state')"
say "cluster up: slurmctld $CTLD_PID on port ${PORTS[0]}, slurmd $SLURMD_PID on port ${PORTS[1]}"

cd "$BASE/work"
cat >sweep.toml <<'EOF'
name = "slurm-e2e"
workloads = [
  { family = "layered", params = { tasks = 40, ccr = [0.5, 2] } },
  { family = "fork-join", params = { levels = 2, width = 4 } },
]
platforms = [{ preset = "heterogeneous", nodes = [4, 8] }]
schedulers = ["heft", "cpop", "online-eft"]
noise = [0, 0.3]
seeds = 3
EOF
"$SCHEDLAB" run sweep.toml --out local --threads 2 >/dev/null
say "local run done"

wait_job() {  # until no task of array job $1 is pending or running
    for _ in $(seq 600); do
        [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && return 0
        sleep 0.1
    done
    fail "job $1 still queued after 60 s"
}
job_of() { sed -n 's/^submitted job \([0-9][0-9]*\).*/\1/p' <<<"$1" | head -n1; }

out=$("$SCHEDLAB" slurm submit sweep.toml --out sharded --shards 4 --max-running 2 --partition debug \
    --time 5 --cpus-per-task 1)
echo "$out"
JOB=$(job_of "$out")
[ -n "$JOB" ] || fail "no job id in the submit output"
# Four throttled tasks take seconds: right after submission squeue still lists some.
status=$("$SCHEDLAB" slurm status sharded)
grep -Eq "^  (pending|running) +[1-9]" <<<"$status" || { echo "$status"; fail "status shows no queued shard"; }
wait_job "$JOB"
say "array job $JOB finished"
status=$("$SCHEDLAB" slurm status sharded)
echo "$status"
grep -q "^  done     4$" <<<"$status" || fail "not every shard is done"

# Lose shard 2's results: status must call it failed, resubmit must rerun only it.
rm -rf sharded/shards/2-of-4
status=$("$SCHEDLAB" slurm status sharded)
grep -q "^  failed   1: 2$" <<<"$status" || { echo "$status"; fail "status does not report shard 2 as failed"; }
if "$SCHEDLAB" merge sharded --no-report 2>/dev/null; then fail "merge accepted a missing shard"; fi
out=$("$SCHEDLAB" slurm resubmit sharded)
echo "$out"
grep -q "shards 2 of 4" <<<"$out" || fail "resubmit did not submit exactly shard 2"
JOB2=$(job_of "$out")
wait_job "$JOB2"
say "resubmitted job $JOB2 finished"
status=$("$SCHEDLAB" slurm status sharded)
grep -q "^  done     4$" <<<"$status" || { echo "$status"; fail "shard 2 did not finish after resubmit"; }
completed=$(grep -c "JobState=COMPLETED" "$BASE/log/jobcomp.txt" || true)
[ "$completed" = 5 ] || fail "Slurm recorded $completed completed array tasks, expected 5"

"$SCHEDLAB" merge sharded
for f in results.csv results.jsonl config.toml report.html; do
    cmp "local/$f" "sharded/$f" || fail "$f differs between the local run and the merged shards"
done
# The manifest's provenance and counts (everything before the run record) must match too.
head_of() { sed '/^  "resumed"/,$d' "$1"; }
cmp <(head_of local/manifest.json) <(head_of sharded/manifest.json) || fail "manifest provenance differs"
say "PASS: merged shards equal the local run ($(wc -l <local/results.jsonl) runs)"
