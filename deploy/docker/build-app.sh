#!/bin/sh
# Builds one deployable into a self-contained directory: compiled JavaScript plus production
# dependencies only. Run from the workspace root after `pnpm install --frozen-lockfile`; used by every
# apps/<service>/Dockerfile and deploy/migrate/Dockerfile.
#
#   sh deploy/docker/build-app.sh <service> <output dir>
#
# Why compile the libraries too: workspace packages point `main` at TypeScript sources (src/index.ts),
# which only work under @swc-node/register (a dev dependency). Here every library the app can reach
# (through production dependencies) is compiled with the root .swcrc to dist/ and its `main` repointed at the JavaScript, so the
# runtime image runs plain `node` with no TypeScript tooling in it.
set -eu

service="${1:?usage: build-app.sh <service> <output dir>}"
out="${2:?usage: build-app.sh <service> <output dir>}"
root="$(pwd)"
swc="$root/node_modules/.bin/swc"

[ -f "$root/pnpm-workspace.yaml" ] || { echo "build-app.sh: run from the workspace root" >&2; exit 64; }
[ -f "apps/$service/src/main.ts" ] || { echo "build-app.sh: apps/$service/src/main.ts not found" >&2; exit 66; }

# The app and the workspace packages it reaches through production dependencies (not devDependencies).
packages="$(pnpm ls --filter-prod "@stac/$service..." --depth -1 --parseable)"
[ -n "$packages" ] || { echo "build-app.sh: no workspace package @stac/$service" >&2; exit 66; }

for pkg in $packages; do
  rm -rf "$pkg/dist"
  (
    cd "$pkg"
    "$swc" src -d dist --strip-leading-paths --copy-files --config-file "$root/.swcrc" \
      --ignore '**/*.spec.ts,**/*.int-spec.ts,**/*.e2e-spec.ts,**/*.fault-spec.ts,**/fixtures/**,**/testing/**' >/dev/null
  )
  node "$root/deploy/docker/point-main-at-dist.mjs" "$pkg"
done

# Copies the app with its production dependencies; workspace libraries are injected as copies
# (with their dist/), so the result needs neither the workspace nor the pnpm store.
rm -rf "$out"
pnpm --filter "@stac/$service" deploy --prod --frozen-lockfile "$out"
# Compiled output is all the runtime needs from the app itself.
rm -rf "$out/src" "$out/project.json" "$out/Dockerfile"
test -f "$out/dist/main.js"
