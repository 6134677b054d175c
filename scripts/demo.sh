#!/usr/bin/env bash
# make demo: start the AWS emulator, build the provider, point terraform at both without touching
# the user's own terraform configuration, then apply, show outputs, prove the second plan is
# empty, destroy and stop the emulator. The output ends with what destroy kept (the network's
# bucket and key) and how to delete it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
example=${DEMO_EXAMPLE:-examples/complete}
# EKS, node groups and add-ons take minutes in AWS; the demo's emulator settles them quickly.
transition_delay=${DEMO_TRANSITION_DELAY:-2s}

command -v terraform >/dev/null || { echo "terraform CLI not found on PATH: install Terraform >= 1.11 and run again." >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/lakesail-demo.XXXXXX")
emu_pid=""
cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# run_step LABEL CMD...: runs CMD, saying every 15 s that it still runs and at the end how long it
# took, so that a first build (minutes, while Go compiles the AWS SDK) is never silent.
run_step() {
  local label=$1 started=$SECONDS next_note=$((SECONDS + 15)) pid status
  shift
  "$@" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$next_note" ]; then
      echo "    still $label ($((SECONDS - started))s)"
      next_note=$((SECONDS + 15))
    fi
    sleep 1
  done
  status=0
  wait "$pid" || status=$?
  [ "$status" -eq 0 ] || { echo "$label failed (exit $status)" >&2; exit "$status"; }
  echo "    done $label in $((SECONDS - started))s"
}

echo "==> building the provider and the emulator (the first run compiles the AWS SDK: minutes; later runs: seconds)"
# One go command for both binaries, so that their packages compile in parallel.
run_step "building" go build -o "$work/bin/" . ./internal/awsemu/cmd/awsemu

# Port 0: the emulator picks free ports and prints the endpoints it listens on. Terraform talks
# to it over TLS: the network's workspace bucket denies every request made without TLS, as in AWS.
"$work/bin/awsemu" -listen "127.0.0.1:0" -tls-listen "127.0.0.1:0" -tls-cert "$work/awsemu-ca.pem" \
  -transition-delay "$transition_delay" >"$work/awsemu.log" 2>&1 &
emu_pid=$!
for _ in $(seq 1 100); do
  grep -q "awsemu listening with TLS on" "$work/awsemu.log" 2>/dev/null && break
  kill -0 "$emu_pid" 2>/dev/null || { cat "$work/awsemu.log" >&2; exit 1; }
  sleep 0.1
done
endpoint=$(sed -n 's/^awsemu listening on //p' "$work/awsemu.log" | head -n 1)
tls_endpoint=$(sed -n 's/^awsemu listening with TLS on //p' "$work/awsemu.log" | head -n 1)
[ -n "$endpoint" ] && [ -n "$tls_endpoint" ] || { echo "the emulator did not start:" >&2; cat "$work/awsemu.log" >&2; exit 1; }
echo "==> emulator listening on $tls_endpoint (and $endpoint)"

# A private CLI configuration: dev_overrides send lakehq/lakesail to the binary just built.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/lakehq/lakesail" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export AWS_ENDPOINT_URL="$tls_endpoint" AWS_CA_BUNDLE="$work/awsemu-ca.pem" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE

# The whole examples tree, so that modules referenced by relative path come along.
cp -R "$root/examples" "$work/examples"
config="$work/$example"
tf() { terraform -chdir="$config" "$@"; }
if grep -qs '^module ' "$config"/*.tf; then
  echo "==> terraform init (modules)"
  tf get >/dev/null
fi

echo "==> terraform apply ($example)"
tf apply -auto-approve -input=false -compact-warnings
echo "==> terraform output"
tf output
echo "==> terraform plan (must be empty)"
set +e
tf plan -detailed-exitcode -input=false -compact-warnings >"$work/plan.txt" 2>&1
plan_status=$?
set -e
if [ "$plan_status" -ne 0 ]; then
  cat "$work/plan.txt" >&2
  echo "the second plan is not empty (exit $plan_status)" >&2
  exit 1
fi
echo "No changes: the second plan is empty."
echo "==> terraform destroy"
# Destroy's warnings are shown in full; the one saying what was retained and how to delete it
# ("LakeSail ... Data Retained") is held back to end the demo's output, the rest streams as it comes.
: >"$work/destroy-warnings.txt"
set +e
tf destroy -auto-approve -input=false 2>&1 | awk -v held="$work/destroy-warnings.txt" '
  { plain = $0; gsub(/\033\[[0-9;]*m/, "", plain) }
  !in_block && plain ~ /^╷/ { in_block = 1; block = ""; retained = 0 }
  in_block {
    block = block $0 "\n"
    if (plain ~ /^│ Warning: LakeSail .*Data Retained/) retained = 1
    if (plain ~ /^╵/) {
      in_block = 0
      if (retained) printf "%s", block >> held; else { printf "%s", block; fflush() }
    }
    next
  }
  { print; fflush() }'
destroy_status=$?
set -e
show_held_warnings() {
  [ -s "$work/destroy-warnings.txt" ] || return 0
  echo "==> what destroy kept, and how to delete it"
  cat "$work/destroy-warnings.txt"
}
if [ "$destroy_status" -ne 0 ]; then
  show_held_warnings
  echo "terraform destroy failed (exit $destroy_status)" >&2
  exit "$destroy_status"
fi
if command -v curl >/dev/null; then
  echo "==> AWS calls the emulator served: $(curl -s "$endpoint/_emu/calls" | grep -o '"operation"' | wc -l)"
fi
echo "==> demo finished in ${SECONDS}s"
show_held_warnings
