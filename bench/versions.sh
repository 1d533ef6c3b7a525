#!/usr/bin/env bash
# bench/versions.sh [--quick] [-r RUNS] [-o FILE] [ROOT]
# What each supported libgit2 costs, on one corpus in one run: grove built
# on this machine (its libgit2 and git: bookworm's 1.5 and 2.39) and grove
# built in a Debian trixie root (libgit2 1.9, git 2.47), each beside its own
# git, myrepos and gita from this machine, and the physical floor
# (bench/floor.c):
#   - status of 200 repositories of 200 files (bench/make-corpus);
#   - status of one repository of 4,847 files (git.git's size), clean and
#     right after every file's times changed (a touch before each run, not
#     timed), as grove ships and with the in-process engine forced
#     (GROVE_LARGE_INDEX, GROVE_TOUCHED_FILES raised): the figures the
#     routing thresholds of gitops/read/probe.h rest on;
#   - a no-op update of the 200 (upstreams unchanged, fetched over file://),
#     against a loop of `git pull --ff-only`.
# Every command runs through chroot (into / or ROOT), so both pay the same
# exec; the corpus is bind-mounted at the same path in both, in a mount
# namespace of this script's own. ROOT (default build/versions/trixie) is
# made on first use: debootstrap minbase with git, a clone of HEAD, then
# `./make.sh deps grove` in it. Needs root. Medians by hyperfine, ms.
set -euo pipefail
if [ -z "${BENCH_VERSIONS_NS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "bench/versions.sh: needs root (debootstrap, chroot, mounts)" >&2; exit 2; }
	BENCH_VERSIONS_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

runs=7 out= vroot=$root/build/versions/trixie n=200 big=4847
while [ $# -gt 0 ]; do
	case $1 in
	--quick) runs=2 n=50 big=2000 ;;
	-r) runs=$2; shift ;;
	-o) out=$2; shift ;;
	-*) echo "usage: bench/versions.sh [--quick] [-r RUNS] [-o FILE] [ROOT]" >&2; exit 2 ;;
	*) vroot=$1 ;;
	esac
	shift
done
bench_need versions.sh git hyperfine python3 debootstrap mr gita
make -s -C "$root" build/floor >&2

# the trixie root with grove built from this checkout's HEAD
if [ ! -x "$vroot/src/grove/grove" ]; then
	echo "bench/versions.sh: making $vroot (debootstrap trixie, make.sh deps grove)" >&2
	mkdir -p "$vroot"
	[ -x "$vroot/usr/bin/git" ] || debootstrap --variant=minbase --include=git,ca-certificates \
		trixie "$vroot" "${FRESH_MIRROR:-http://deb.debian.org/debian}" >&2
	cp /etc/resolv.conf "$vroot/etc/resolv.conf"
	rm -rf "$vroot/src/grove" && mkdir -p "$vroot/src"
	git clone -q --no-local "$root" "$vroot/src/grove"
	mount -t proc proc "$vroot/proc"
	chroot "$vroot" sh -c 'cd /src/grove && ./make.sh deps grove' >&2
	umount "$vroot/proc"
fi

c=$(corpus "$n" 200)
b=$work/big-$big
[ -f "$b/.git/index" ] && [ "$(git -C "$b" ls-files | wc -l)" -ge "$big" ] ||
	"$bench_dir/make-bigrepo" "$b" "$big" >&2
home=$work/home-versions
rm -rf "$home" && mkdir -p "$home/.config"
cp "$c/mrconfig" "$home/.mrconfig"
echo "[$b]" >"$home/big.mrconfig"
mkdir -p "$vroot$work"
mount --bind "$work" "$vroot$work"
git config --file "$home/.gitconfig" pull.ff only
# gita keeps its list in XDG_CONFIG_HOME; it runs on this machine only
HOME=$home XDG_CONFIG_HOME=$home/.config xargs gita add <"$c/repos.txt" >/dev/null

declare -A bin=([libgit2_1.5]=$grove [libgit2_1.9]=/src/grove/grove)
declare -A dir=([libgit2_1.5]=/ [libgit2_1.9]=$vroot)
sides=(libgit2_1.5 libgit2_1.9)
forced="GROVE_LARGE_INDEX=1000000000 GROVE_TOUCHED_FILES=1000000000"
json=$(mktemp)
trap 'rm -f "$json"' EXIT

# inside SIDE CMD: CMD in the corpus' work folder, in SIDE's root
inside() {
	echo "chroot ${dir[$1]} env -i PATH=/usr/bin:/bin HOME=$home XDG_CONFIG_HOME=$home/.config \
GIT_CONFIG_NOSYSTEM=1 LC_ALL=C.UTF-8 sh -c 'cd $c/work && $2'"
}
loop() { echo "while read -r p; do git -C \$p $1 >/dev/null; done <$c/repos.txt"; }

# measure [-i] NAME... : hyperfine over the commands named, in the arrays
# cmd and prep; prints "NAME MS" lines. -i: a failing exit is expected
declare -A cmd prep
measure() {
	local args=() name
	if [ "$1" = -i ]; then
		args=(-i)
		shift
	fi
	for name in "$@"; do
		args+=(-n "$name" --prepare "${prep[$name]:-true}" "${cmd[$name]}")
	done
	hyperfine --style none -w 1 -r "$runs" --export-json "$json" "${args[@]}" >/dev/null
	hyperfine_medians "$json"
}

for s in "${sides[@]}"; do
	cmd[status_$s]=$(inside "$s" "${bin[$s]} status")
	cmd[git_status_$s]=$(inside "$s" "$(loop 'status --porcelain=v2 --branch')")
	cmd[big_$s]=$(inside "$s" "GROVE_CONFIG=$home/big.mrconfig ${bin[$s]} -a status")
	cmd[big_forced_$s]=$(inside "$s" "$forced GROVE_CONFIG=$home/big.mrconfig ${bin[$s]} -a status")
	cmd[big_git_$s]=$(inside "$s" "git -C $b status --porcelain=v2 --branch")
	cmd[touched_$s]=${cmd[big_$s]} prep[touched_$s]="git -C $b ls-files -z | (cd $b && xargs -0 touch)"
	cmd[touched_forced_$s]=${cmd[big_forced_$s]} prep[touched_forced_$s]=${prep[touched_$s]}
	cmd[touched_git_$s]=${cmd[big_git_$s]} prep[touched_git_$s]=${prep[touched_$s]}
	cmd[update_$s]=$(inside "$s" "${bin[$s]} -q update")
	cmd[git_update_$s]=$(inside "$s" "$(loop 'pull -q --ff-only')")
done
cmd[mr_status]=$(inside libgit2_1.5 "mr -j 2 status")
cmd[gita]=$(inside libgit2_1.5 "gita ll")
cmd[floor]="$root/build/floor $c/repos.txt"

# one update first: the corpus' behind repositories catch up, so every
# timed update has nothing to do; the big repository starts clean. The
# corpus' one diverged repository (every 11th is ahead, every 13th behind)
# fails every update, grove's and git's alike: exit 1 is expected there
sh -c "${cmd[update_libgit2_1.5]}" >/dev/null || [ $? = 1 ]
git -C "$b" status >/dev/null
declare -A med
while read -r name ms; do med[$name]=$ms; done < <(
	measure status_libgit2_1.5 status_libgit2_1.9 git_status_libgit2_1.5 git_status_libgit2_1.9 \
		mr_status gita floor
	measure big_libgit2_1.5 big_libgit2_1.9 big_forced_libgit2_1.5 big_forced_libgit2_1.9 \
		big_git_libgit2_1.5 big_git_libgit2_1.9
	measure touched_libgit2_1.5 touched_libgit2_1.9 touched_forced_libgit2_1.5 \
		touched_forced_libgit2_1.9 touched_git_libgit2_1.5 touched_git_libgit2_1.9
	measure -i update_libgit2_1.5 update_libgit2_1.9 git_update_libgit2_1.5 git_update_libgit2_1.9
)

row() { # row WHAT GROVE_NAME GIT_NAME: one line of the table, both versions
	local what=$1 g=$2 r=$3
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$what" \
		"${med[${g}_libgit2_1.5]}" "${med[${r}_libgit2_1.5]}" \
		"$(ratio2 "${med[${g}_libgit2_1.5]}" "${med[${r}_libgit2_1.5]}")" \
		"${med[${g}_libgit2_1.9]}" "${med[${r}_libgit2_1.9]}" \
		"$(ratio2 "${med[${g}_libgit2_1.9]}" "${med[${r}_libgit2_1.9]}")"
}
report="### grove on libgit2 1.5 (bookworm) and 1.9 (trixie) ($(date -u +%Y-%m-%d), $(nproc) CPUs)

Command: \`bench/versions.sh -r $runs\` (medians of $runs runs by hyperfine, milliseconds; each
version beside its own git: 2.39 with 1.5, 2.47 with 1.9; every command through chroot)

| what | grove 1.5 | git 2.39 | ratio | grove 1.9 | git 2.47 | ratio |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
$(row "status, $n repositories" status git_status)
$(row "status, $big files, clean" big big_git)
$(row "status, $big files, clean, libgit2 forced" big_forced big_git)
$(row "status, $big files, touched" touched touched_git)
$(row "status, $big files, touched, libgit2 forced" touched_forced touched_git)
$(row "no-op update, $n repositories (git: pull --ff-only loop)" update git_update)

Beside them, on the same $n repositories in the same run: \`mr -j 2 status\` ${med[mr_status]} ms,
\`gita ll\` ${med[gita]} ms, the floor (\`build/floor\`: read each index, lstat every file)
${med[floor]} ms; grove 1.5 is $(ratio "${med[mr_status]}" "${med[status_libgit2_1.5]}")x faster than mr, grove 1.9 $(ratio "${med[mr_status]}" "${med[status_libgit2_1.9]}")x;
1.9 / 1.5 for status: $(ratio2 "${med[status_libgit2_1.9]}" "${med[status_libgit2_1.5]}")."
echo "$report"
[ -z "$out" ] || echo "$report" >"$out"
