#!/usr/bin/env bash
# The script of the provctl GitHub Action (action.yml at the repository root):
#
#   1. install the released provctl for this runner's OS and architecture,
#      checked against the release's checksums.txt;
#   2. sign in from the environment: client-id and tenant become
#      PROVCTL_CLIENT_ID and PROVCTL_TENANT, and provctl requests GitHub's
#      OIDC token itself (the job needs `permissions: id-token: write`);
#   3. run `provctl provision run` for the users given, with -o json;
#   4. write the outputs state, exit-code and outcome-file to $GITHUB_OUTPUT,
#      and exit with provctl's exit code.
#
# Inputs arrive as INPUT_* variables (action.yml maps them). Sourced, the
# script only defines its functions, for the tests (testdata/script/action.txtar).
# Test hooks: PROVCTL_ACTION_SKIP_INSTALL=1 uses the provctl already on PATH;
# PROVCTL_ACTION_RELEASE_URL replaces the release's download folder.
set -euo pipefail

# States an Outcome can have, best first: the worst of them is the output.
readonly states=(success warning skipped pending failure)

# escape_data TEXT: TEXT for a workflow command (%, CR and LF escaped).
escape_data() {
  local s=${1//'%'/%25}
  s=${s//$'\r'/%0D}
  printf '%s' "${s//$'\n'/%0A}"
}

log() { printf 'provctl action: %s\n' "$*" >&2; }

# lower TEXT: TEXT in lower case (bash 3.2, as on macOS, has no ${x,,}).
lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }

# error MESSAGE: an error annotation (workflow commands are read from stdout).
error() { printf '::error title=provctl action::%s\n' "$(escape_data "$*")"; }

# bool VALUE: prints true or false; fails for a value that is neither.
bool() {
  case $(lower "$1") in
    true | yes | on | 1) echo true ;;
    false | no | off | 0 | '') echo false ;;
    *) return 1 ;;
  esac
}

# platform: "OS ARCH" in the release's names (linux|darwin|windows, amd64|arm64)
# for this runner, from RUNNER_OS and RUNNER_ARCH, else uname.
platform() {
  local os arch
  case ${RUNNER_OS:-$(uname -s)} in
    Linux | linux) os=linux ;;
    macOS | Darwin) os=darwin ;;
    Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
    *)
      log "no provctl release for the OS ${RUNNER_OS:-$(uname -s)}"
      return 1
      ;;
  esac
  case ${RUNNER_ARCH:-$(uname -m)} in
    X64 | x86_64 | amd64) arch=amd64 ;;
    ARM64 | arm64 | aarch64) arch=arm64 ;;
    *)
      log "no provctl release for the architecture ${RUNNER_ARCH:-$(uname -m)}"
      return 1
      ;;
  esac
  echo "$os $arch"
}

# asset_name: this runner's release archive, as .goreleaser.yaml names it.
asset_name() {
  local p
  p=$(platform) || return 1
  case $p in
    windows\ *) echo "provctl_${p% *}_${p#* }.zip" ;;
    *) echo "provctl_${p% *}_${p#* }.tar.gz" ;;
  esac
}

# release_url VERSION: the folder holding the release's files. VERSION is
# latest or a semver tag (v1.2.3, 1.2.3, v1.2.3-rc.1).
release_url() {
  local version=$1 server=${GITHUB_SERVER_URL:-https://github.com} repo=${PROVCTL_ACTION_REPOSITORY:-}
  [[ $repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || repo=provctl/provctl
  if [ -n "${PROVCTL_ACTION_RELEASE_URL:-}" ]; then
    echo "${PROVCTL_ACTION_RELEASE_URL%/}"
  elif [ "$version" = latest ]; then
    echo "$server/$repo/releases/latest/download"
  elif [[ $version =~ ^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
    echo "$server/$repo/releases/download/v${version#v}"
  else
    log "version must be latest or a release tag such as v1.2.3, not \"$version\""
    return 1
  fi
}

# action_version: the version input; else the tag this action was used at
# (provctl/provctl@v1.2.3 installs provctl v1.2.3); else latest.
action_version() {
  if [ -n "${INPUT_VERSION:-}" ]; then
    echo "$INPUT_VERSION"
  elif [[ ${PROVCTL_ACTION_REF:-} =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
    echo "$PROVCTL_ACTION_REF"
  else
    echo latest
  fi
}

# sha256_of FILE: the file's SHA-256, in lower-case hex.
sha256_of() {
  local sum
  if command -v sha256sum >/dev/null 2>&1; then
    sum=$(sha256sum <"$1")
  elif command -v shasum >/dev/null 2>&1; then
    sum=$(shasum -a 256 <"$1")
  elif command -v openssl >/dev/null 2>&1; then
    sum=$(openssl dgst -sha256 -r <"$1")
  else
    log "no sha256sum, shasum or openssl to check $(basename "$1") with"
    return 1
  fi
  sum=${sum%% *}
  lower "$sum"
  echo
}

# verify_checksum FILE CHECKSUMS: FILE's SHA-256 must be the one that
# CHECKSUMS (lines "HASH  NAME", as goreleaser and sha256sum write them)
# gives for FILE's name.
verify_checksum() {
  local file=$1 sums=$2 name want got
  name=$(basename "$file")
  want=$(awk -v n="$name" '{ sub(/\r$/, "") } $2 == n || $2 == "*" n { print $1; exit }' "$sums")
  want=$(lower "$want")
  if [ -z "$want" ]; then
    log "checksum: $name is not listed in $(basename "$sums")"
    return 1
  fi
  if ! [[ $want =~ ^[0-9a-f]{64}$ ]]; then
    log "checksum: the entry for $name in $(basename "$sums") is not a SHA-256"
    return 1
  fi
  got=$(sha256_of "$file") || return 1
  if [ "$got" != "$want" ]; then
    log "checksum mismatch for $name: $(basename "$sums") says $want, the download is $got"
    return 1
  fi
  log "checksum of $name verified (sha256 $got)"
}

# install_provctl VERSION DIR: download this runner's release archive and
# checksums.txt, verify the archive, and put provctl in DIR.
install_provctl() {
  local version=$1 dir=$2 base asset tmp bin=provctl
  asset=$(asset_name) || return 1
  base=$(release_url "$version") || return 1
  tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/provctl-download.XXXXXX")
  log "downloading $asset ($version) from $base"
  curl -fsSL --retry 3 --retry-delay 2 -o "$tmp/$asset" "$base/$asset" || {
    log "could not download $base/$asset"
    return 1
  }
  curl -fsSL --retry 3 --retry-delay 2 -o "$tmp/checksums.txt" "$base/checksums.txt" || {
    log "could not download $base/checksums.txt"
    return 1
  }
  verify_checksum "$tmp/$asset" "$tmp/checksums.txt" || return 1
  mkdir -p "$tmp/x" "$dir"
  case $asset in
    *.zip)
      bin=provctl.exe
      if command -v unzip >/dev/null 2>&1; then
        unzip -q -o "$tmp/$asset" "$bin" -d "$tmp/x"
      else
        7z x -y -o"$tmp/x" "$tmp/$asset" "$bin" >/dev/null
      fi
      ;;
    *) tar -xzf "$tmp/$asset" -C "$tmp/x" "$bin" ;;
  esac
  [ -f "$tmp/x/$bin" ] || {
    log "$asset holds no $bin"
    return 1
  }
  chmod 0755 "$tmp/x/$bin"
  mv -f "$tmp/x/$bin" "$dir/$bin"
  rm -rf "$tmp"
}

# worst_state RC FILE: the state output. provctl's exit code says failure (3),
# pending (5) or skipped (6); 0 is success, warning or (with --skipped-ok)
# skipped, read from FILE, provctl's -o json: one Outcome, or an array of
# them, indented by two spaces, so an Outcome's own "state" is the one at
# its top level (nested objects, such as raw, are indented further). Any
# other code is "error": no outcome (sign-in, bad input, Graph or network
# error, interrupted).
worst_state() {
  local rc=$1 file=$2 indent='  ' found worst=-1 i
  case $rc in
    3) echo failure ;;
    5) echo pending ;;
    6) echo skipped ;;
    0)
      if [ "$(tr -d ' \t\r\n' <"$file" | head -c 1)" = "[" ]; then indent='    '; fi
      found=$(grep -E "^$indent\"state\": \"[a-z]+\"" "$file" | sed -E 's/^[^"]*"state": "([a-z]+)".*/\1/' || true)
      for i in "${!states[@]}"; do
        if grep -qx "${states[$i]}" <<<"$found"; then worst=$i; fi
      done
      if [ "$worst" -ge 0 ]; then echo "${states[$worst]}"; else echo success; fi
      ;;
    *) echo error ;;
  esac
}

# set_outputs STATE RC FILE: append the outputs to $GITHUB_OUTPUT.
set_outputs() {
  log "state $1, exit code $2"
  [ -n "${GITHUB_OUTPUT:-}" ] || return 0
  {
    echo "state=$1"
    echo "exit-code=$2"
    echo "outcome-file=$3"
  } >>"$GITHUB_OUTPUT"
}

# finish STATE RC [FILE]: set the outputs and exit with RC.
finish() {
  set_outputs "$1" "$2" "${3:-}"
  exit "$2"
}

# show_outcome FILE: print provctl's JSON in a folded group of the log, with
# workflow commands off so no text from Graph can be read as one.
show_outcome() {
  local token
  [ -s "$1" ] || return 0
  token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  echo "::group::provctl outcome (JSON)"
  echo "::stop-commands::$token"
  cat "$1"
  echo "::$token::"
  echo "::endgroup::"
}

main() {
  local sp=${INPUT_SP:-} users=${INPUT_USERS:-} file=${INPUT_FILE:-} wait skipped_ok provctl line n=0 dir out rc
  wait=$(bool "${INPUT_WAIT:-true}") || {
    error "input wait must be true or false, not \"$INPUT_WAIT\""
    finish error 2
  }
  skipped_ok=$(bool "${INPUT_SKIPPED_OK:-false}") || {
    error "input skipped-ok must be true or false, not \"$INPUT_SKIPPED_OK\""
    finish error 2
  }
  if [ -z "$sp" ]; then
    error "input sp is required: the app's object id, appId or display name"
    finish error 2
  fi
  local args=(provision run "--sp=$sp" -o json)
  [ -z "${INPUT_JOB:-}" ] || args+=("--job=$INPUT_JOB")
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    line=${line#"${line%%[![:space:]]*}"}
    line=${line%"${line##*[![:space:]]}"}
    case $line in "" | "#"*) continue ;; esac
    args+=("--user=$line")
    n=$((n + 1))
  done <<<"$users"
  [ -z "$file" ] || args+=("--from=$file")
  if [ "$n" -eq 0 ] && [ -z "$file" ]; then
    error "give users (one UPN or object id per line) or file"
    finish error 2
  fi
  [ "$wait" = false ] || args+=(--wait)
  # --timeout bounds a wait, or a run over a list; one user without wait is
  # bounded by provctl's --command-timeout (and provctl refuses --timeout).
  if [ "$wait" != false ] || [ "$n" -gt 1 ] || [ -n "$file" ]; then
    [ -z "${INPUT_TIMEOUT:-}" ] || args+=("--timeout=$INPUT_TIMEOUT")
  fi
  [ "$skipped_ok" = false ] || args+=(--skipped-ok)

  if [ "${PROVCTL_ACTION_SKIP_INSTALL:-}" = 1 ]; then
    provctl=$(command -v provctl) || {
      error "PROVCTL_ACTION_SKIP_INSTALL=1, but no provctl on PATH"
      finish error 1
    }
  else
    dir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/provctl-bin
    install_provctl "$(action_version)" "$dir" || {
      error "could not install provctl $(action_version) (see the log above)"
      finish error 1
    }
    provctl=$dir/provctl
    if [ -n "${GITHUB_PATH:-}" ]; then
      if command -v cygpath >/dev/null 2>&1; then cygpath -w "$dir"; else echo "$dir"; fi >>"$GITHUB_PATH"
    fi
  fi
  log "using $("$provctl" version -o json --jq .version 2>/dev/null || echo "provctl") at $provctl"

  # Sign-in: provctl reads the environment. With a client id and a tenant
  # and no secret or certificate, it requests GitHub's OIDC token itself.
  if [ -n "${INPUT_CLIENT_ID:-}" ]; then export PROVCTL_CLIENT_ID=$INPUT_CLIENT_ID; fi
  if [ -n "${INPUT_TENANT:-}" ]; then export PROVCTL_TENANT=$INPUT_TENANT; fi
  if [ -n "${PROVCTL_CLIENT_ID:-${AZURE_CLIENT_ID:-}}" ] && [ -z "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] &&
    [ -z "${PROVCTL_CLIENT_SECRET:-}${AZURE_CLIENT_SECRET:-}${PROVCTL_CLIENT_CERTIFICATE:-}${AZURE_CLIENT_CERTIFICATE_PATH:-}${AZURE_FEDERATED_TOKEN_FILE:-}${PROVCTL_ACCESS_TOKEN:-}" ]; then
    echo "::warning title=provctl action::no OIDC token can be requested: give the job 'permissions: id-token: write'"
  fi

  dir=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/provctl-outcome.XXXXXX")
  out=$dir/outcome.json
  rc=0
  "$provctl" "${args[@]}" >"$out" || rc=$?
  show_outcome "$out"
  finish "$(worst_state "$rc" "$out")" "$rc" "$out"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
