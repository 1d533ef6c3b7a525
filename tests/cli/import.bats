#!/usr/bin/env bats
# grove import FILE [DIR] (issue 35): vcstool's .repos and grove's own
# export rebuilt under DIR, each repository at its version, registered,
# an import taken back by grove undo; a stranger's file checked whole
# before anything is cloned

setup() {
	load helpers
	common_setup
	export XDG_STATE_HOME="$HOME/.state"
	mkcloned api
	mkcloned web
	upstream_commit web
	first_web=$(git -C src/web rev-parse HEAD)
	git -C "$HOME/remotes/web.git" branch dev "$first_web"
	git -C "$HOME/remotes/api.git" tag v1.0
	rm -rf src
	cat >ws.repos <<-EOF2
	# a workspace
	repositories:
	  src/api:
	    type: git
	    url: $HOME/remotes/api.git
	    version: v1.0
	  src/web:
	    type: git
	    url: file://$HOME/remotes/web.git
	    version: $first_web
	  tools/web-dev:
	    type: git
	    url: $HOME/remotes/web.git
	    version: dev
	EOF2
}

@test "import of a .repos file: each repository cloned at its version under DIR, registered" {
	run grove import --allow-local ws.repos ws
	assert_success
	assert_output --partial 'grove import: 3 cloned'
	# a tag or a commit leaves a detached HEAD, as vcstool does; a branch is checked out
	assert_equal "$(git -C ws/src/api rev-parse HEAD)" "$(git -C "$HOME/remotes/api.git" rev-parse v1.0)"
	not git -C ws/src/api symbolic-ref -q HEAD
	assert_equal "$(git -C ws/src/web rev-parse HEAD)" "$first_web"
	assert_equal "$(git -C ws/tools/web-dev symbolic-ref --short HEAD)" dev
	run grove -d ws list
	assert_output "$(printf '%s\n' "$HOME/ws/src/api" "$HOME/ws/src/web" "$HOME/ws/tools/web-dev")"
	run grove config ws/src/web pin
	assert_output "$first_web"
	# pin is a setting, never an action myrepos-style: its value is no command
	run grove pin
	assert_failure 2
	assert_output --partial 'unknown action "pin"'
	run grove help
	refute_output --partial 'pin'
	run grove -a run true
	assert_success
	# a second import finds everything there: nothing to clone, nothing changed
	run grove import --allow-local ws.repos ws
	assert_success
	assert_output --partial '3 already there'
}

@test "export --pin of an import re-imports to the same commits, in both formats; - reads stdin" {
	grove import --allow-local ws.repos ws >/dev/null
	grove -d ws export --format repos --pin >pinned.repos
	run grove import --allow-local pinned.repos again
	assert_success
	grove -d ws export --pin >pinned.mrconfig
	run grove import --allow-local - third <pinned.mrconfig
	assert_success
	local p
	for p in src/api src/web tools/web-dev; do
		assert_equal "$(git -C "again/$p" rev-parse HEAD)" "$(git -C "ws/$p" rev-parse HEAD)"
		assert_equal "$(git -C "third/$p" rev-parse HEAD)" "$(git -C "ws/$p" rev-parse HEAD)"
	done
}

@test "an existing checkout with local work is reported and left as it is" {
	mkdir -p ws/src
	git clone -q "$HOME/remotes/api.git" ws/src/api
	local_commit ws/src/api
	local before
	before=$(git -C ws/src/api rev-parse HEAD)
	run grove import --allow-local ws.repos ws
	assert_success
	assert_output --partial "ws/src/api: already there, left as it is"
	assert_equal "$(git -C ws/src/api rev-parse HEAD)" "$before"
}

@test "grove undo takes an import back: the clones to the trash, the sections out of the registry" {
	grove import --allow-local ws.repos ws >/dev/null
	run grove undo
	assert_success
	[ ! -e ws/src/api ]
	[ ! -e ws/tools/web-dev ]
	run grove -a list
	assert_output --partial 'registers no repositories'
}

# hostile FILE-CONTENT: import fails, names the line, creates and registers nothing
hostile() {
	printf '%s\n' "$1" >evil.repos
	run grove import --allow-local evil.repos target
	assert_failure 1
	[ ! -e target ]
	if [ -e .mrconfig ]; then not grep -q target .mrconfig; fi
}

@test "a hostile .repos creates nothing outside the target and runs nothing" {
	hostile "repositories:
  ../escape:
    type: git
    url: $HOME/remotes/api.git"
	assert_output "grove import: evil.repos:2: '../escape' is not a path inside the folder (no .., no absolute path)"
	hostile "repositories:
  /tmp/abs:
    type: git
    url: $HOME/remotes/api.git"
	assert_output --partial "evil.repos:2: '/tmp/abs' is not a path inside the folder"
	hostile "repositories:
  ok:
    type: git
    url: 'ext::sh -c touch% $HOME/pwned'"
	assert_output --partial "evil.repos:4: 'ext::sh -c touch% $HOME/pwned' is not a URL grove clones from"
	[ ! -e "$HOME/pwned" ]
	hostile "repositories:
  ok:
    type: git
    url: $HOME/remotes/api.git
    version: --upload-pack=touch $HOME/pwned"
	assert_output --partial "evil.repos:5: '--upload-pack=touch $HOME/pwned' is not a branch, tag or commit"
	hostile "repositories:
  ok:
    type: hg
    url: https://example.invalid/x"
	assert_output --partial "evil.repos:3: type 'hg': grove imports git repositories"
	hostile "repositories:
  a: {type: git, url: $HOME/remotes/api.git}
  a: {type: git, url: $HOME/remotes/web.git}"
	assert_output --partial "evil.repos:3: 'a' is there twice"
	hostile "repositories: [1, 2"
	assert_output --partial "evil.repos:2: not YAML:"
	# one bad entry among good ones: nothing is cloned
	hostile "repositories:
  good:
    type: git
    url: $HOME/remotes/api.git
  ../bad:
    type: git
    url: $HOME/remotes/api.git"
	[ ! -e target/good ]
	[ ! -e "$HOME/pwned" ]
}

@test "a symlink in the target's way and an oversized file are refused before any clone" {
	mkdir target
	ln -s /tmp target/src
	run grove import --allow-local ws.repos target
	assert_failure 1
	assert_output --partial "src: a symlink in the way"
	[ ! -e /tmp/api ]
	rm target/src
	head -c 20000000 /dev/zero | tr '\0' ' ' >big.repos
	run grove import --allow-local big.repos target
	assert_failure 1
	assert_output "grove import: big.repos: larger than 16 MiB"
}

@test "a local URL needs --allow-local" {
	run grove import ws.repos ws
	assert_failure 1
	assert_output --partial "ws.repos:5: '$HOME/remotes/api.git' is a local path: --allow-local clones from one"
	[ ! -e ws ]
}

@test "gita's freeze file: each repository at its NAME under DIR (its absolute path is never used)" {
	printf '%s,api,/somewhere/else/api\n%s,web,/other/web\n' \
		"$HOME/remotes/api.git" "$HOME/remotes/web.git" >gita.csv
	run grove import --allow-local gita.csv ws
	assert_success
	assert_output --partial 'grove import: 2 cloned'
	[ -d ws/api/.git ]
	[ -d ws/web/.git ]
	[ ! -e /somewhere ]
	printf '%s,../up,/x\n' "$HOME/remotes/api.git" >bad.csv
	run grove import --allow-local bad.csv ws
	assert_failure 1
	assert_output "grove import: bad.csv:1: '../up' is not a path inside the folder (no .., no absolute path)"
}

@test "mani's config: path, url, branch, tags as groups; a project without a url is skipped" {
	cat >mani.yaml <<-EOF2
	projects:
	  example:
	    path: .
	    desc: the config's own folder
	  api:
	    path: services/api
	    url: $HOME/remotes/api.git
	    tags: [backend, go]
	  web:
	    url: $HOME/remotes/web.git
	    branch: dev
	    tags: [frontend]
	EOF2
	run grove import --allow-local mani.yaml ws
	assert_success
	assert_output --partial 'grove import: 2 cloned'
	assert_equal "$(git -C ws/web symbolic-ref --short HEAD)" dev
	run grove -a -g backend+go list
	assert_output "$HOME/ws/services/api"
	run grove -a -g frontend list
	assert_output "$HOME/ws/web"
	printf 'projects:\n  x:\n    url: %s\n    tags: [two words]\n' "$HOME/remotes/api.git" >bad.yaml
	run grove import --allow-local bad.yaml ws2
	assert_failure 1
	assert_output "grove import: bad.yaml:4: tag 'two words' is not a group name"
}

@test "ROS 2's own ros2.repos, on local mirrors: every repository at its version; its pinned export re-imports the same" {
	# a seed with a commit on main and one of its own on each version the file names
	local seed="$BATS_TEST_TMPDIR/seed" m="$BATS_TEST_TMPDIR/mirrors" v p
	mkrepo "$seed"
	for v in rolling master releases/0.9.x release_2.0; do
		git -C "$seed" checkout -q -b "$v" main
		local_commit "$seed" "$(echo "$v" | tr / _).txt"
	done
	git -C "$seed" checkout -q main
	local_commit "$seed"
	while read -r p v; do
		git clone -q --bare "$seed" "$m/$p.git"
	done < <(awk '/^  [^ ]/ { sub(":", "", $1); p = $1 } /version:/ { print p, $2 }' \
		"$BATS_TEST_DIRNAME/../fixtures/vcstool/ros2.repos")
	sed "s|https://github.com/|file://$m/|" "$BATS_TEST_DIRNAME/../fixtures/vcstool/ros2.repos" >ros2.repos
	run grove import --allow-local ros2.repos ws
	assert_success
	assert_line 'grove import: 104 cloned'
	local n=0
	while read -r p v; do
		assert_equal "$(git -C "ws/$p" symbolic-ref --short HEAD)" "$v"
		assert_equal "$(git -C "ws/$p" rev-parse HEAD)" "$(git -C "$seed" rev-parse "$v")"
		n=$((n + 1))
	done < <(awk '/^  [^ ]/ { sub(":", "", $1); p = $1 } /version:/ { print p, $2 }' ros2.repos)
	assert_equal "$n" 104
	grove -d ws export --format repos --pin >pinned.repos
	run grove import --allow-local pinned.repos again
	assert_success
	while read -r p v; do
		assert_equal "$(git -C "again/$p" rev-parse HEAD)" "$(git -C "ws/$p" rev-parse HEAD)"
	done < <(awk '/^  [^ ]/ { sub(":", "", $1); p = $1 } /version:/ { print p, $2 }' ros2.repos)
}

@test "-f moves a clean checkout to its version; one with local work is left, and said" {
	upstream_commit api
	mkdir -p ws/src
	git clone -q "$HOME/remotes/api.git" ws/src/api
	git clone -q "$HOME/remotes/web.git" ws/src/web
	echo dirty >>ws/src/web/a.txt
	run grove -f import --allow-local ws.repos ws
	assert_failure 1
	assert_output --partial "ws/src/api: moved to v1.0"
	assert_output --partial "ws/src/web: local changes, left as it is"
	assert_equal "$(git -C ws/src/api rev-parse HEAD)" "$(git -C "$HOME/remotes/api.git" rev-parse v1.0)"
	not git -C ws/src/api symbolic-ref -q HEAD
	assert_equal "$(git -C ws/src/web rev-parse HEAD)" "$(git -C "$HOME/remotes/web.git" rev-parse main)"
	run git -C ws/src/web diff --stat
	assert_output --partial 'a.txt'
	# without -f, the clean one is left too
	git -C ws/src/api checkout -q main
	run grove import --allow-local ws.repos ws
	assert_success
	assert_equal "$(git -C ws/src/api symbolic-ref --short HEAD)" main
}
