#!/usr/bin/env bash
# Refresh the vendored Apache ECharts of the dashboard (/evaluation/dashboard) from the npm
# registry: `bash scripts/vendor-echarts.sh [VERSION]` (default: the version in VERSION below).
# npm fetches the package and checks it against the registry's integrity hash; this script
# copies the minified "common" build (line, bar, pie; canvas and SVG renderers), the licence
# and the notice into ckanext/liuzhou/assets/vendor/echarts/ and records the version, the
# tarball's integrity and the file's sha256 in VERSION. The portal never loads anything from
# elsewhere (no CDN): the machines have no internet; commit the refreshed files.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$REPO/ckanext/liuzhou/assets/vendor/echarts"
VERSION="${1:-$(sed -n 's/^version=//p' "$DEST/VERSION")}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm pack --silent "echarts@$VERSION" >/dev/null
INTEGRITY="$(npm view "echarts@$VERSION" dist.integrity)"
tar xzf "echarts-$VERSION.tgz" package/dist/echarts.common.min.js package/LICENSE package/NOTICE
cp package/dist/echarts.common.min.js package/LICENSE package/NOTICE "$DEST/"
cat > "$DEST/VERSION" <<END
# Apache ECharts, vendored by scripts/vendor-echarts.sh from the npm registry (Apache-2.0: LICENSE, NOTICE)
package=echarts
version=$VERSION
file=dist/echarts.common.min.js
integrity=$INTEGRITY
sha256=$(sha256sum "$DEST/echarts.common.min.js" | cut -d' ' -f1)
END
echo "echarts $VERSION -> $DEST"
