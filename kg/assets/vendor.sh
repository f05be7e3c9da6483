#!/usr/bin/env bash
# Fetch the front-end assets the pages inline from their npm packages, at the versions
# README.md names, and copy the files the pages use (with each package's licence) here.
# npm checks each tarball against the registry's integrity hash.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
unpack() {  # package@version -> folder
    local tarball
    tarball="$(npm pack --silent "$1")"
    mkdir -p "$2" && tar xzf "$tarball" -C "$2"
}
unpack @zazuko/yasgui@4.6.2 yasgui
unpack echarts@6.1.0 echarts
unpack @surbowl/world-geo-json-zh@2.1.5 world
cp yasgui/package/build/yasgui.min.js yasgui/package/build/yasgui.min.css "$here/"
cp echarts/package/dist/echarts.min.js "$here/"
cp echarts/package/LICENSE "$here/LICENSE.echarts"
cp echarts/package/NOTICE "$here/NOTICE.echarts"
cp world/package/world.zh.json "$here/"
cp world/package/LICENSE "$here/LICENSE.world-geo-json-zh"
# yasgui's package carries no licence file; its package.json says MIT.
sed -i 's#//\# sourceMappingURL=.*##' "$here/yasgui.min.js" "$here/echarts.min.js"
