#!/usr/bin/env bash
# setup-python.sh installs Debian's python3-rdflib and python3-networkx, the
# tools cmd/policygraph/rdf_test.go reads the exports with (rdflib parses the
# N-Quads, networkx the Cytoscape JSON and GraphML), when they are missing.
# It is idempotent: a second run with both present does nothing. The test
# finds the interpreter through POLICYGRAPH_TEST_PYTHON (the Makefile exports
# /usr/bin/python3, Debian's, which a pyenv python3 on PATH would shadow).
set -euo pipefail

py="${POLICYGRAPH_TEST_PYTHON:-/usr/bin/python3}"
if [ -x "$py" ] && "$py" -c 'import rdflib, networkx' 2>/dev/null; then
	echo "python: $("$py" -c 'import rdflib, networkx; print("rdflib", rdflib.__version__, "networkx", networkx.__version__)')"
	exit 0
fi
if ! command -v apt-get >/dev/null; then
	echo "setup-python: $py lacks rdflib or networkx and apt-get is not available: install them and set POLICYGRAPH_TEST_PYTHON" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends python3 python3-rdflib python3-networkx >/dev/null
echo "python: $(/usr/bin/python3 -c 'import rdflib, networkx; print("rdflib", rdflib.__version__, "networkx", networkx.__version__)')"
