#!/bin/sh
# test-install.sh - the library as a user gets it: "cmake --install" into a
# temporary prefix, then a program built against that prefix alone, once
# with pkg-config and once with find_package(ndrparse); the prefix moved
# elsewhere still works (ndrparse.pc and the CMake package are
# relocatable; the tool finds its library through its RUNPATH).
#
#   sh test-install.sh BUILD_DIR SOURCE_DIR [CFLAGS]
#
# CFLAGS are the flags the consumer programs need besides what pkg-config
# and the CMake package give: the sanitizers', when the library was built
# with them (an instrumented library needs an instrumented program).
build=$(cd "$1" && pwd)
cflags=${3:-}
src=$(cd "$2" && pwd)
tool=
corpus=$src/corpus
. "$(dirname "$0")/testlib.sh"

bounce=$corpus/postfix-user-unknown.eml
want=$(grep -o '"recipient": *"[^"]*"' "$corpus/postfix-user-unknown.expected.json" | head -1 | sed 's/.*: *"//; s/"$//')

cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log" 2>&1
check "cmake --install into a temporary prefix" test $? -eq 0
libdir=$(cd "$tmp/prefix" && ls -d lib* | head -1)
check "header, library, ndrparse.pc and the CMake package installed" \
	test -f "$tmp/prefix/include/ndrparse.h" -a -f "$tmp/prefix/$libdir/pkgconfig/ndrparse.pc" \
	-a -f "$tmp/prefix/$libdir/cmake/ndrparse/ndrparseConfig.cmake" \
	-a -n "$(ls "$tmp/prefix/$libdir"/libndrparse.so.* 2>/dev/null)"

# Everything below sees only the moved prefix: the build tree is not on any
# path, and the prefix it was installed to is gone.
mv "$tmp/prefix" "$tmp/moved"
prefix=$tmp/moved
check "ndrparse.pc gives the moved prefix" \
	test "$(PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig pkg-config --variable=includedir ndrparse)" \
	-ef "$prefix/include"
check "ndrparse.pc gives the version of the build" \
	test "$(PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig pkg-config --modversion ndrparse)" = \
	"$(sed -n 's/^#define NDRPARSE_VERSION_STRING "\(.*\)"/\1/p' "$prefix/include/ndrparse.h")"

# shellcheck disable=SC2046
cc $cflags -o "$tmp/consumer-pc" "$src/tests/install/consumer.c" \
	$(PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig pkg-config --cflags --libs ndrparse) > "$tmp/cc.log" 2>&1
check "a program builds with pkg-config --cflags --libs ndrparse" test $? -eq 0
LD_LIBRARY_PATH=$prefix/$libdir "$tmp/consumer-pc" "$bounce" > "$tmp/pc.out" 2>&1
check "the pkg-config program decodes a bounce with the installed library" \
	grep -q " $want userunknown\$" "$tmp/pc.out"

cmake -S "$src/tests/install" -B "$tmp/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_C_FLAGS="$cflags" > "$tmp/cmake.log" 2>&1 &&
	cmake --build "$tmp/consumer-build" >> "$tmp/cmake.log" 2>&1
check "a CMake project builds with find_package(ndrparse) alone" test $? -eq 0
LD_LIBRARY_PATH=$prefix/$libdir "$tmp/consumer-build/consumer" "$bounce" > "$tmp/cmake.out" 2>&1
check "the find_package program decodes a bounce with the installed library" \
	grep -q " $want userunknown\$" "$tmp/cmake.out"
mkdir "$tmp/too-new"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(too_new LANGUAGES C)\nfind_package(ndrparse 9.9 REQUIRED)\n' \
	> "$tmp/too-new/CMakeLists.txt"
check "find_package(ndrparse 9.9) fails against 0.x" \
	sh -c "! cmake -S '$tmp/too-new' -B '$tmp/too-new/build' -DCMAKE_PREFIX_PATH='$prefix' > /dev/null 2>&1"

# The installed tool, run from the moved prefix with no library path set:
# its RUNPATH ($ORIGIN/../LIBDIR) finds the library beside it.
env -u LD_LIBRARY_PATH "$prefix/bin/ndrparse" --format=jsonl "$bounce" > "$tmp/tool.out" 2>&1
check "the installed tool runs from the moved prefix (RUNPATH, no ldconfig)" \
	grep -q "\"recipient\": \"$want\"" "$tmp/tool.out"

# ndrparse-store and both man pages, installed beside it.
env -u LD_LIBRARY_PATH "$prefix/bin/ndrparse" --store="$tmp/installed.sqlite" "$bounce" > /dev/null 2>&1
env -u LD_LIBRARY_PATH "$prefix/bin/ndrparse-store" --store="$tmp/installed.sqlite" check "$want" > "$tmp/store.out" 2>&1
check "the installed ndrparse-store reads what the installed ndrparse --store kept" \
	sh -c "grep -q '^$want	suppressed' '$tmp/store.out'"
check "the man pages ndrparse(1), ndrparse-store(1) and ndrparse-rules(5) are installed" \
	sh -c "ls '$prefix'/share/man/man1/ndrparse.1 '$prefix'/share/man/man1/ndrparse-store.1 '$prefix'/share/man/man5/ndrparse-rules.5 > /dev/null"

# Python through the installed typelib, with the library path alone.
if [ -f "$prefix/$libdir/girepository-1.0/Ndrparse-0.typelib" ]; then
	GI_TYPELIB_PATH=$prefix/$libdir/girepository-1.0 LD_LIBRARY_PATH=$prefix/$libdir /usr/bin/python3 -c "
import gi
gi.require_version('Ndrparse', '0')
from gi.repository import Ndrparse
r = Ndrparse.parse_file('$bounce').get_record(0)
print(r.get_recipient(), Ndrparse.reason_get_name(r.get_reason()))
" > "$tmp/python.out" 2>&1
	check "Python loads the installed Ndrparse-0.typelib and decodes a bounce" \
		grep -q "^$want userunknown\$" "$tmp/python.out"
	check "the GIR is installed for Vala and gjs" test -f "$prefix/share/gir-1.0/Ndrparse-0.gir"
else
	skip "Python through the installed typelib" "built without NDRPARSE_INTROSPECTION"
fi

if [ -f "$build/lib/reference/index.html" ]; then
	check "the API reference is installed (share/doc/ndrparse/reference)" \
		test -f "$prefix/share/doc/ndrparse/reference/index.html" -a \
		-f "$prefix/share/doc/ndrparse/reference/func.classify_reply.html"
else
	skip "the API reference" "gi-docgen not installed"
fi

for f in "$tmp"/*.log; do [ "$failed" -eq 0 ] || { echo "== $f"; cat "$f"; }; done
finish
