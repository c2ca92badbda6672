#!/bin/sh
# Generate ./configure from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
# aclocal wants the macro dir configure.ac names, even while it is empty.
mkdir -p m4
autoreconf -fi
