#!/usr/bin/env bash
# Builds one pinned version of the Pulumi CLI from the Go module proxy into a cache folder keyed by that
# version, and reuses a finished build. Prints the folder holding `pulumi` as its last line of stdout.
# Users with `pulumi` installed need none of this. Progress goes to stderr.
#   PULUMI_CLI_VERSION   the version to build (default: the one pinned below)
#   PULUMI_CLI_CACHE     the cache folder (default: ${XDG_CACHE_HOME:-$HOME/.cache}/unused-iam-credentials/pulumi-cli)
set -euo pipefail
version=${PULUMI_CLI_VERSION:-v3.276.0}
cache=${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/unused-iam-credentials/pulumi-cli}
dir="$cache/$version"
say() { printf 'pulumi-cli: %s\n' "$*" >&2; }
fail() { printf 'pulumi-cli: %s\n' "$*" >&2; exit 1; }

if [ -x "$dir/bin/pulumi" ] && [ -f "$dir/bin/.complete" ]; then
    say "reusing the build of $version in $dir/bin"
    echo "$dir/bin"
    exit 0
fi
command -v go >/dev/null 2>&1 || fail "Go is not installed (https://go.dev/dl); install it, or put a pulumi CLI on PATH instead"
proxy=$(go env GOPROXY)
mod="$dir/module"
mkdir -p "$mod" "$dir/bin"
# A wrapper module of our own: the CLI's go.mod has replace directives to local paths, which `go install
# pkg@version` refuses; as a dependency, its replace directives are ignored, so the one it needs is repeated.
cat >"$mod/go.mod" <<MOD
module unused-iam-credentials/pulumi-cli

go 1.26

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
cd "$mod"
say "resolving github.com/pulumi/pulumi/pkg/v3@$version through $proxy (about 300 modules, ~1 GB, the first time)"
if ! out=$(GOFLAGS=-mod=mod go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$version" "github.com/pulumi/pulumi/sdk/v3@$version" 2>&1); then
    printf '%s\n' "$out" | tail -5 >&2
    fail "could not fetch Pulumi $version from the Go module proxy ($proxy): $(printf '%s' "$out" | grep -m1 -Eo '(403|404|410|dial tcp|no such host|timeout)[^"]*' || echo 'see above')"
fi
say "compiling the CLI (10-20 minutes cold on 2 cores)"
CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    -o "$dir/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
touch "$dir/bin/.complete"
say "built $("$dir/bin/pulumi" version) in $dir/bin"
echo "$dir/bin"
