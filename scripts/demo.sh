#!/usr/bin/env bash
# A short walkthrough of provctl against its built-in emulator of Microsoft
# Graph and Entra ID: nothing leaves this machine. `make demo` runs it.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=./bin/provctl
work=$(mktemp -d)
cleanup() { [ -n "${emu:-}" ] && kill "$emu" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

say()  { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
show() { printf '$ %s\n' "$*" >&2; "$@"; rc=$?; printf '(exit %d)\n' "$rc" >&2; }

say "Start the emulator on a free port (TLS, generated CA)"
"$bin" emulator --addr 127.0.0.1:0 --env-file "$work/env" --dir "$work" --auto-approve 2s 2>"$work/emulator.log" &
emu=$!
for _ in $(seq 100); do [ -s "$work/env" ] && break; sleep 0.1; done
[ -s "$work/env" ] || { echo "emulator did not start:"; cat "$work/emulator.log"; exit 1; }
# shellcheck disable=SC1091
. "$work/env"
export PROVCTL_CONFIG_DIR="$work/config"

box=8783a342-f7a2-46fb-8243-3658cee556ce
boxjob=BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6

if "$bin" login --help >/dev/null 2>&1; then
  say "Sign in with a device code (the emulator approves it after 2s)"
  show "$bin" login || exit 1
  show "$bin" auth status
else
  export PROVCTL_ACCESS_TOKEN="$PROVCTL_EMULATOR_TOKEN"
fi

say "Box: wait for the on-demand outcome (pending first, then success)"
show "$bin" provision poll --sp "$box" --job "$boxjob" --wait --interval 1s

say "The same as JSON, for scripts"
show "$bin" provision poll --sp "$box" --job "$boxjob" -o json --jq '{state, source, jobId}'

say "…and YAML (the same field names)"
show "$bin" provision poll --sp "$box" --job "$boxjob" -o yaml --jq '{state, source, templateId, endedAt, counts}'

say "Salesforce Sandbox: the job is in quarantine, so the outcome is failure (exit 3)"
show "$bin" provision poll --sp 2c6f4a1e-8d3b-4e7a-9f15-b0c2d4e6f801 --job SfSandboxOutDelta.e4bbf44533ea4eabb17027f3a92e92aa

say "Slack: nothing to change in the target, so the outcome is skipped (exit 6)"
show "$bin" provision poll --sp 5d1e9b3c-7a2f-4c8d-b6e0-1f3a5c7e9b20 --job slackOutDelta.0d4c2e6a8b1f4d3e9c7a5b2e1f0d8c6a.5d1e9b3c-7a2f-4c8d-b6e0-1f3a5c7e9b20

if "$bin" provision run --help >/dev/null 2>&1; then
  say "Provision Adele into Box on demand, by names"
  show "$bin" provision run --sp Box --user adele@contoso.test
  say "Megan is not assigned to Box: skipped as out of scope (exit 6)"
  show "$bin" provision run --sp Box --user megan@contoso.test -o json --jq '.state, .reason.code'
  say "Find apps, jobs and rule ids"
  show "$bin" sp list --name S
  show "$bin" job list --sp Box
  show "$bin" job rules --sp Box
  show "$bin" provision logs --sp Box --limit 5
fi

say "A bad id is refused before anything is sent (exit 2)"
show "$bin" provision poll --sp "$box" --job ../../users

say "Now as real tenants behave: no apply. resource, and log entries that lag (--profile real --log-lag 3s)"
kill "$emu" 2>/dev/null; wait "$emu" 2>/dev/null
rm -f "$work/env"
"$bin" emulator --addr 127.0.0.1:0 --env-file "$work/env" --dir "$work/real" --profile real --log-lag 3s 2>"$work/emulator-real.log" &
emu=$!
for _ in $(seq 100); do [ -s "$work/env" ] && break; sleep 0.1; done
[ -s "$work/env" ] || { echo "emulator did not start:"; cat "$work/emulator-real.log"; exit 1; }
# shellcheck disable=SC1091
. "$work/env"
export PROVCTL_ACCESS_TOKEN="$PROVCTL_EMULATOR_TOKEN"

say "The same poll: the apply. resource answers 400, so the newest log entry of the job answers, and names whose it is"
show "$bin" provision poll --sp "$box" --job "$boxjob"

say "Provision Adele and wait for her own log entry (same subject, change id, and no older than the request)"
show "$bin" provision run --sp Box --user adele@contoso.test --wait --interval 1s -o json --jq '{state, source, subject: .subject.id, changeId}'

say "Done. To try it yourself: 'bin/provctl emulator --env-file /tmp/emu.env &', then '. /tmp/emu.env' and 'bin/provctl login'."
