#!/usr/bin/env bats
# Concurrency: many containers at once, and many operations racing on one
# id.  No call may hang (each has a timeout), each either succeeds or
# fails with one clear line, the state is never corrupt, and afterwards
# nothing is left.

load helpers-lifecycle

T=60
PARALLEL=${OCIRUN_CONCURRENCY:-50}
SAME_ID=${OCIRUN_CONCURRENCY_SAME:-20}
ROUNDS=${OCIRUN_CONCURRENCY_ROUNDS:-5}

setup() {
  lifecycle_setup
  bundle_args "$B" sleep 1000
  mkdir -p "$TMP/res"
}

teardown() {
  lifecycle_teardown
}

# One bounded call; its status and output land in $TMP/res/NAME.
# Containers keep create's stdio: it goes to the file, not to a pipe.
record() {
  local name=$1
  shift
  local rc=0
  timeout "$T" "$OCIRUN" --root "$ROOT" "$@" </dev/null >"$TMP/res/$name.out" 2>&1 || rc=$?
  echo "$rc $*" >"$TMP/res/$name.rc"
}

# Every call ended in time: 0, or 1 with one line "ocirun: ..." on stderr.
check_results() {
  local f rc cmd bad=0
  for f in "$TMP"/res/*.rc; do
    read -r rc cmd <"$f"
    case $rc in
      0) ;;
      1)
        if [ "$(grep -c '^ocirun: ' "${f%.rc}.out")" -ne 1 ]; then
          echo "unclear failure of '$cmd': $(cat "${f%.rc}.out")" >&2
          bad=1
        fi ;;
      *) echo "'$cmd' ended with $rc: $(cat "${f%.rc}.out")" >&2; bad=1 ;;
    esac
  done
  return $bad
}

@test "concurrency: $PARALLEL parallel create+start+delete of different ids" {
  local i
  for i in $(seq "$PARALLEL"); do
    (
      record "c$i" create -b "$B" "$ID-$i" &&
        record "s$i" start "$ID-$i" &&
        record "d$i" delete --force "$ID-$i"
    ) &
  done
  wait
  check_results
  # Here nothing competes: every call must have succeeded.
  run bash -c "cat '$TMP'/res/*.rc | grep -v '^0 ' || true"
  [ -z "$output" ] || { echo "failed calls: $output" >&2; false; }
  [ "$(ls "$TMP"/res/*.rc | wc -l)" -eq $((PARALLEL * 3)) ]
  assert_clean
}

# A random operation on the shared id.
same_id_op() {
  local n=$1
  case $((RANDOM % 7)) in
    0 | 1) record "$n" create -b "$B" "$ID" ;;
    2) record "$n" start "$ID" ;;
    3) record "$n" delete "$ID" ;;
    4) record "$n" delete --force "$ID" ;;
    5) record "$n" kill "$ID" KILL ;;
    6) record "$n" state "$ID" ;;
  esac
}

@test "concurrency: $SAME_ID parallel create/start/delete/kill/state on one id, $ROUNDS rounds" {
  local r i f
  for r in $(seq "$ROUNDS"); do
    for i in $(seq "$SAME_ID"); do
      same_id_op "r$r-$i" &
    done
    wait
    check_results
    # A successful state is complete JSON with a spec status.
    for f in "$TMP"/res/*.rc; do
      if [[ "$(cat "$f")" == "0 state "* ]]; then
        jq -e '.status | test("^(creating|created|running|stopped)$")' "${f%.rc}.out" >/dev/null ||
          { echo "corrupt state: $(cat "${f%.rc}.out")" >&2; false; }
      fi
    done
    # Whatever is left is consistent and can go.
    run timeout "$T" "$OCIRUN" --root "$ROOT" state "$ID"
    [ "$status" -eq 0 ] || [[ "$output" == *"does not exist"* ]]
    run timeout "$T" "$OCIRUN" --root "$ROOT" list
    [ "$status" -eq 0 ]
    timeout "$T" "$OCIRUN" --root "$ROOT" delete --force "$ID" 2>/dev/null || true
    assert_clean
    rm -f "$TMP"/res/*
  done
}

@test "concurrency: delete --force races the shim recording the exit" {
  local i
  bundle_args "$B" sh -c 'sleep 0.0$((RANDOM % 10))'
  for i in $(seq "$SAME_ID"); do
    record "c$i" run -d -b "$B" "$ID-$i"
  done
  for i in $(seq "$SAME_ID"); do
    record "d$i" delete --force "$ID-$i" &
  done
  wait
  check_results
  run bash -c "cat '$TMP'/res/*.rc | grep -v '^0 ' || true"
  [ -z "$output" ] || { echo "failed calls: $output" >&2; false; }
  assert_clean
}
