#!/bin/sh
# Copies a dynamically linked program with every shared library it loads, the dynamic loader
# included, into DIR, with a launcher DIR/NAME that runs it through the bundled loader, so it
# runs on an x86-64 Linux whatever its own C library.  Usage: tools/bundle.sh PROGRAM DIR
set -e
prog=$1
dir=$2
[ -x "$prog" ] || { echo "bundle.sh: $prog is not an executable" >&2; exit 2; }
name=$(basename "$prog")
rm -rf "$dir"
mkdir -p "$dir/lib"
cp "$prog" "$dir/lib/$name.bin"
loader=""
for lib in $(ldd "$prog" | awk '/=> \//{print $3} /^\t\/.*ld-linux/{print $1}'); do
    cp -L "$lib" "$dir/lib/"
    case "$lib" in *ld-linux*) loader=$(basename "$lib") ;; esac
done
[ -n "$loader" ] || { echo "bundle.sh: no dynamic loader found for $prog" >&2; exit 2; }
cat >"$dir/$name" <<EOS
#!/bin/sh
here=\$(cd "\$(dirname "\$0")" && pwd)
# incbench regress re-executes itself per process: through this launcher, not the loader.
export INCBENCH_EXEC="\$here/$name"
exec "\$here/lib/$loader" --library-path "\$here/lib" "\$here/lib/$name.bin" "\$@"
EOS
chmod +x "$dir/$name"
echo "bundle.sh: $dir/$name ($(ls "$dir/lib" | wc -l) files)" >&2
