#!/bin/sh
# Builds a bootable GRUB ISO: the hypervisor plus the scenario's boot
# modules (module2 lines tagged as the scenario names them).
#   mkiso.sh <iso> <hypervisor.elf> <cmdline> <modules.txt> <build root>
# A module whose file has not been built is left out with a warning: the
# hypervisor then reports that VM as not startable.
set -eu
iso=$1 elf=$2 cmdline=$3 modules=$4 root=$5
dir=$iso.d
rm -rf "$dir"
mkdir -p "$dir/boot/grub" "$dir/boot/modules"
cp "$elf" "$dir/boot/bulkhead.elf"
entries=""
while read -r tag file; do
    [ -n "$tag" ] || continue
    if [ -f "$root/$file" ]; then
        cp "$root/$file" "$dir/boot/modules/$tag"
        entries="$entries    module2 /boot/modules/$tag $tag
"
    else
        echo "warning: boot module '$tag' ($root/$file) is not built; its VM cannot start" >&2
    fi
done < "$modules"
sed -e "s|@HV_CMDLINE@|$cmdline|" misc/grub/grub.cfg.in | awk -v mods="$entries" '
    /@MODULES@/ { printf "%s", mods; next } { print }' > "$dir/boot/grub/grub.cfg"
grub-mkrescue -o "$iso" "$dir" > "$iso.log" 2>&1 || { cat "$iso.log"; exit 1; }
