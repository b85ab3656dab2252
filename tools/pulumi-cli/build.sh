#!/usr/bin/env bash
# Builds the Pulumi CLI pinned in go.mod (github.com/pulumi/pulumi/pkg/v3) from the Go module proxy, with the project's
# stand-in Node.js language host beside it (language-host/: the real pulumi-language-nodejs is a Go module the proxy
# here does not serve), into a cache folder keyed by that version and by the host's sources. A finished build is
# reused. Prints the folder that holds `pulumi` as the last line of stdout; progress goes to stderr.
# Users who have the Pulumi CLI installed need none of this.
#   --locate           print the folder of a finished build and exit (1 when there is none); builds nothing
#   PULUMI_CLI_CACHE   the cache folder (default: ${XDG_CACHE_HOME:-$HOME/.cache}/unused-iam-credentials/pulumi-cli)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
started=$(date +%s)
say() { printf 'pulumi-cli: [%s] %s\n' "$(elapsed)" "$*" >&2; }
elapsed() { local s=$(($(date +%s) - started)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }
# Runs "$@" with its output in a log, printing a line with what it has done (from count_cmd over the log) every 20 s, so
# that a long phase never looks hung. $1: the phase's name; $2: a command printing the count so far; then the command.
with_progress() {
    local phase=$1 count_cmd=$2 log rc ticker
    shift 2
    log=$(mktemp)
    ( while sleep 20; do say "$phase: $(eval "$count_cmd" <"$log")"; done ) &
    ticker=$!
    "$@" >"$log" 2>&1
    rc=$?
    kill "$ticker" 2>/dev/null
    wait "$ticker" 2>/dev/null
    if [ "$rc" -ne 0 ]; then tail -5 "$log" >&2; fi
    say "$phase: done, $(eval "$count_cmd" <"$log")"
    rm -f "$log"
    return "$rc"
}
fail() { printf 'pulumi-cli: %s\n' "$*" >&2; exit 1; }

version=$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$here/go.mod")
[ -n "$version" ] || fail "go.mod pins no github.com/pulumi/pulumi/pkg/v3"
host=$(cat "$here/language-host/main.go" "$here/go.sum" | sha256sum | cut -c1-12)
cache=${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/unused-iam-credentials/pulumi-cli}
bin="$cache/$version-$host"

if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && [ -f "$bin/.complete" ]; then
    [ "${1:-}" = --locate ] || say "reusing the build of Pulumi $version in $bin"
    echo "$bin"
    exit 0
fi
[ "${1:-}" = --locate ] && exit 1
command -v go >/dev/null 2>&1 || fail "Go is not installed (it builds the Pulumi CLI here); install Go 1.26 or later, or put a pulumi CLI on PATH instead"
mkdir -p "$bin"
cd "$here"
proxy=$(go env GOPROXY)
say "downloading Pulumi $version's modules through $proxy (about 300 modules and 1.5 GB the first time)"
with_progress "downloading modules" 'printf "%s modules downloaded" "$(grep -c "\.zip$" || true)"' go mod download -x ||
    fail "could not download Pulumi $version's modules from the Go module proxy ($proxy)"
packages=$(go list -deps github.com/pulumi/pulumi/pkg/v3/cmd/pulumi 2>/dev/null | wc -l)
flags=(-trimpath -tags osusergo,grpcnotrace -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version")
say "compiling the Pulumi CLI $version: $packages packages (up to 30 minutes on 2 busy cores the first time; a line every 20 s says how far it is)"
with_progress "compiling" "printf '%s of $packages packages compiled' \"\$(grep -vc '^#' || true)\"" \
    env CGO_ENABLED=0 go build -v "${flags[@]}" -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ||
    fail "could not compile the Pulumi CLI $version"
say "compiling the stand-in Node.js language host"
CGO_ENABLED=0 go build "${flags[@]}" -o "$bin/pulumi-language-nodejs" ./language-host
touch "$bin/.complete"
say "built $("$bin/pulumi" version) in $bin in $(elapsed)"
echo "$bin"
