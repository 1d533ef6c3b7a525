#!/usr/bin/env bats
# grove sync github against a GitHub API test server on 127.0.0.1

setup() {
	load helpers
	load servers
	common_setup
	unset GH_TOKEN GITHUB_TOKEN
	export XDG_CACHE_HOME="$HOME/.cache"
	ORIGINS="$BATS_TEST_TMPDIR/origins"
	CONFIG="$BATS_TEST_TMPDIR/github.json"
	# no gh here: the token comes from the environment or nowhere
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\nexit 1\n' >"$BATS_TEST_TMPDIR/bin/gh"
	chmod +x "$BATS_TEST_TMPDIR/bin/gh"
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
	# clone URLs must lead to the API's own git host: a loopback API's is
	# loopback, here git daemon
	mkdir -p "$ORIGINS"
	start_daemon "$ORIGINS"
	GITBASE="git://127.0.0.1:$DAEMON_PORT"
}

teardown() {
	stop_servers
}

# origins OWNER NAME...: bare repositories the API's clone URLs point at
origins() {
	local owner=$1 name seed="$BATS_TEST_TMPDIR/seed"
	shift
	[ -d "$seed" ] || mkrepo "$seed"
	for name in "$@"; do
		[ -d "$ORIGINS/$owner/$name.git" ] || git clone -q --bare "$seed" "$ORIGINS/$owner/$name.git"
	done
}

# config JSON-FRAGMENT: the server's config with clone_base and token set
config() {
	printf '{"token": "s3cret-token", "token_user": "alice", "clone_base": "%s", %s}\n' "$GITBASE" "$1" >"$CONFIG"
}

requests() {
	wc -l <"$GITHUB_LOG"
}

@test "an organization of 250 repositories over 3 pages: cloned, registered, and a second run sends conditional requests only" {
	local names
	names=$(seq -f 'r%03g' 1 250 | paste -sd ' ')
	# shellcheck disable=SC2086
	origins acme $names
	config '"accounts": {"acme": {"type": "Organization", "repos": 250, "names": ['"$(seq -f '"r%03g"' 1 250 | paste -sd ,)"']}}'
	start_github "$CONFIG"
	run grove -j 8 sync github --org acme --api-url "$GITHUB_API" --root "$HOME/src"
	assert_success
	assert_line --index -1 "grove sync: finished (250 ok)"
	[ "$(requests)" -eq 3 ]
	[ -d "$HOME/src/127.0.0.1/acme/r001/.git" ]
	[ -d "$HOME/src/127.0.0.1/acme/r250/.git" ]
	run grove -a list
	[ "${#lines[@]}" -eq 250 ]
	grep -qF "[src/127.0.0.1/acme/r001]" .mrconfig
	grep -qF "checkout = git clone '$GITBASE/acme/r001.git' 'r001'" .mrconfig
	# every page asked for 100, followed Link rel="next" as given
	run python3 -c 'import json,sys; print("\n".join(json.loads(l)["path"] for l in open(sys.argv[1])))' "$GITHUB_LOG"
	assert_line --index 0 "/orgs/acme/repos?per_page=100"
	assert_line --index 1 "/orgs/acme/repos?per_page=100&page=2"
	assert_line --index 2 "/orgs/acme/repos?per_page=100&page=3"
	# nothing changed: three conditional requests, no clone
	: >"$GITHUB_LOG"
	run grove -v sync github --org acme --api-url "$GITHUB_API" --root "$HOME/src"
	assert_success
	assert_output --partial "3 requests, 3 answered 304 not modified"
	refute_output --partial "cloned"
	[ "$(grep -c '"if-none-match"' "$GITHUB_LOG")" -eq 3 ]
}

@test "headers: User-Agent, API version, and the token only to the API host, never on disk" {
	origins alice a b
	config '"accounts": {"alice": {"repos": 2, "names": ["a", "b"]}}'
	start_github "$CONFIG"
	GH_TOKEN=s3cret-token run grove -v sync github --mine --api-url "$GITHUB_API"
	assert_success
	refute_output --partial s3cret
	run python3 - "$GITHUB_LOG" <<-'EOF2'
	import json, sys
	for line in open(sys.argv[1]):
	    h = json.loads(line)["headers"]
	    print(h.get("user-agent"), h.get("accept"), h.get("x-github-api-version"), h.get("authorization"))
	EOF2
	assert_output "grove/0.1.0 application/vnd.github+json 2022-11-28 Bearer s3cret-token"
	run grep -rl s3cret "$HOME"
	assert_output ""
	# the ETag cache: one file per URL, readable by the user alone
	run find "$XDG_CACHE_HOME/grove" -type f ! -perm 600
	assert_output ""
	[ "$(find "$XDG_CACHE_HOME/grove" -type f | wc -l)" -eq 1 ]
}

@test "the token from gh auth token, then from a git credential helper" {
	origins alice a
	config '"accounts": {"alice": {"repos": 1, "names": ["a"]}}'
	start_github "$CONFIG"
	printf '#!/bin/sh\n[ "$*" = "auth token --hostname 127.0.0.1" ] && echo s3cret-token\n' >"$BATS_TEST_TMPDIR/bin/gh"
	run grove -v sync github --api-url "$GITHUB_API" --dry-run
	assert_success
	assert_output --partial "token from gh auth token"
	assert_output --partial "would clone alice/a"
	printf '#!/bin/sh\nexit 1\n' >"$BATS_TEST_TMPDIR/bin/gh"
	git config --global credential.helper '!f() { echo username=alice; echo password=s3cret-token; }; f'
	run grove -v sync github --api-url "$GITHUB_API" --dry-run
	assert_success
	assert_output --partial "token from git credential"
	[ "$(grep -c 'Bearer s3cret-token' "$GITHUB_LOG")" -eq 2 ]
	refute_output --partial s3cret
}

@test "--user: public repositories only without a token; a token for the same user lists its own" {
	origins alice pub1 pub2 priv1
	config '"accounts": {"alice": {"repos": 3, "private": 1, "names": ["priv1", "pub1", "pub2"]}}'
	start_github "$CONFIG"
	run grove sync github --user alice --api-url "$GITHUB_API" --dry-run
	assert_success
	refute_output --partial priv1
	assert_output --partial "would clone alice/pub1"
	GH_TOKEN=s3cret-token run grove sync github --user alice --api-url "$GITHUB_API" --dry-run
	assert_success
	assert_output --partial "would clone alice/priv1"
	grep -q '"/user/repos?affiliation=owner&per_page=100"' "$GITHUB_LOG"
	[ ! -e "$HOME/src" ]
	[ ! -e .mrconfig ]
}

@test "filters: forks, archived and disabled, --match and --exclude, --protocol" {
	origins acme one two three four five
	config '"accounts": {"acme": {"type": "Organization", "repos": 5, "forks": 1, "archived": 1, "disabled": 1, "names": ["one", "two", "three", "four", "five"]}}'
	start_github "$CONFIG"
	run grove sync github --org acme --api-url "$GITHUB_API" --skip-forks --skip-archived --dry-run --json
	assert_success
	assert_line '{"type":"repo","path":null,"full_name":"acme/one","action":"skipped","reason":"a fork (--skip-forks)"}'
	assert_line '{"type":"repo","path":null,"full_name":"acme/two","action":"skipped","reason":"archived (--skip-archived)"}'
	assert_line '{"type":"repo","path":null,"full_name":"acme/three","action":"skipped","reason":"disabled (--skip-archived)"}'
	assert_line --partial '"path":"'"$HOME"'/src/127.0.0.1/acme/four","full_name":"acme/four","action":"would clone"'
	run grove sync github --org acme --api-url "$GITHUB_API" --match '^acme/f' --exclude 'five$' --protocol ssh
	assert_success
	assert_output --partial "cloned acme/four"
	refute_output --partial "cloned acme/five"
	[ -d src/127.0.0.1/acme/four/.git ]
	[ ! -e src/127.0.0.1/acme/five ]
}

@test "hostile names never create a folder outside ROOT" {
	origins evil ok Ok
	config '"accounts": {"evil": {"type": "Organization", "repos": 8, "names": ["..", ".git", "-rf", "a/b", "x\u0007y", "Ok", "ok", "."]}}'
	start_github "$CONFIG"
	mkdir -p "$HOME/src/127.0.0.1"
	ln -s /tmp "$HOME/src/127.0.0.1/evil"
	run grove sync github --org evil --api-url "$GITHUB_API"
	assert_output --partial "not a name GitHub allows"
	assert_output --partial "would leave"
	run find "$HOME" -newer "$CONFIG" -name '*rf*'
	assert_output ""
	[ ! -e /tmp/ok ]
	[ ! -e /tmp/Ok ]
	rm "$HOME/src/127.0.0.1/evil"
	run grove sync github --org evil --api-url "$GITHUB_API"
	assert_failure 1
	assert_output --partial "cloned evil/Ok"
	assert_output --partial "evil/ok: differs from evil/Ok only in case"
	# a control character in a name is shown escaped, never sent to the terminal
	assert_output --partial 'failed: evil/x\x07y'
	refute_output --partial $'\a'

}

@test "a repository the server lists twice is synced once and said so" {
	origins acme one two
	config '"accounts": {"acme": {"type": "Organization", "repos": 2, "names": ["one", "two"], "duplicate": "one"}}'
	start_github "$CONFIG"
	run grove sync github --org acme --api-url "$GITHUB_API"
	assert_success
	assert_line --partial "grove sync: skipped acme/one: listed twice by the server: synced once"
	refute_output --partial "only in case"
	assert_line --index -1 "grove sync: finished (2 ok; 1 skipped)"
}

@test "errors: 401, 404, 5xx retried then failing, malformed and truncated JSON change nothing" {
	origins acme one
	start_github "$CONFIG"
	config '"accounts": {"acme": {"type": "Organization", "repos": 1, "names": ["one"]}}'
	GH_TOKEN=wrong run grove sync github --org acme --api-url "$GITHUB_API"
	assert_failure 1
	assert_output --partial "401 bad credentials: the token was refused"
	assert_output --partial "nothing was changed"
	run grove sync github --org nobody --api-url "$GITHUB_API"
	assert_failure 1
	assert_output --partial "404 no such user or organization"
	config '"accounts": {"acme": {"type": "Organization", "repos": 1, "names": ["one"]}}, "faults": [{"status": 502, "times": 9}]'
	run grove sync github --org acme --api-url "$GITHUB_API"
	assert_failure 1
	assert_output --partial "GitHub answered 502: trying again"
	assert_output --partial "HTTP 502"
	[ "$(requests)" -ge 4 ]
	for body in malformed truncated; do
		config '"accounts": {"acme": {"type": "Organization", "repos": 1, "names": ["one"]}}, "faults": [{"body": "'$body'"}]'
		run grove sync github --org acme --api-url "$GITHUB_API"
		assert_failure 1
		assert_output --partial "nothing was changed"
		[ ! -e src ]
		[ ! -e .mrconfig ]
	done
}

@test "rate limits: retry-after waits and succeeds, the user is told" {
	origins acme one
	config '"accounts": {"acme": {"type": "Organization", "repos": 1, "names": ["one"]}}, "faults": [{"status": 429, "ratelimit": true, "retry_after": 1}]'
	start_github "$CONFIG"
	run grove sync github --org acme --api-url "$GITHUB_API"
	assert_success
	assert_output --partial "rate limit: waiting 1 seconds"
	assert_output --partial "cloned acme/one"
}

@test "existing clones are updated as grove update does; plain http only to loopback" {
	origins acme one
	config '"accounts": {"acme": {"type": "Organization", "repos": 1, "names": ["one"]}}'
	start_github "$CONFIG"
	run grove sync github --org acme --api-url "$GITHUB_API"
	assert_success
	local tmp="$BATS_TEST_TMPDIR/pusher"
	git clone -q "$ORIGINS/acme/one.git" "$tmp"
	echo more >>"$tmp/a.txt" && git -C "$tmp" commit -qam more && git -C "$tmp" push -q origin main
	# the listing says when a repository last received a push: the same
	# value as at the last sync means no fetch at all, --full fetches
	run grove sync github --org acme --api-url "$GITHUB_API"
	assert_success
	assert_output --partial "up-to-date acme/one"
	assert_output --partial "no push upstream since the last sync"
	[ "$(git -C src/127.0.0.1/acme/one rev-parse HEAD)" != "$(git -C "$tmp" rev-parse HEAD)" ]
	run grove sync github --org acme --api-url "$GITHUB_API" --full
	assert_success
	assert_output --partial "updated acme/one"
	git -C src/127.0.0.1/acme/one reset -q --hard HEAD~1
	config '"accounts": {"acme": {"type": "Organization", "repos": 1, "names": ["one"], "pushed": {"one": "2025-02-02T00:00:00Z"}}}'
	run grove sync github --org acme --api-url "$GITHUB_API"
	assert_success
	assert_output --partial "updated acme/one"
	[ "$(git -C src/127.0.0.1/acme/one rev-parse HEAD)" = "$(git -C "$tmp" rev-parse HEAD)" ]
	run grove sync github --org acme --api-url "http://example.invalid/api/v3"
	assert_failure 2
	assert_output --partial "http:// only to 127.0.0.1"
}

@test "forks get an upstream remote for their parent; --forks-under-parent files them there" {
	origins alice fk plain
	origins upstream-owner fk
	config '"accounts": {"alice": {"repos": 2, "forks": 1, "names": ["fk", "plain"]}}'
	start_github "$CONFIG"
	run grove sync github --user alice --api-url "$GITHUB_API"
	assert_success
	[ "$(git -C src/127.0.0.1/alice/fk remote get-url upstream)" = "$GITBASE/upstream-owner/fk.git" ]
	run git -C src/127.0.0.1/alice/plain remote get-url upstream
	assert_failure
	grep -q '"/repos/alice/fk"' "$GITHUB_LOG"
	rm -rf src .mrconfig
	run grove sync github --user alice --api-url "$GITHUB_API" --forks-under-parent
	assert_success
	[ -d src/127.0.0.1/upstream-owner/fk/.git ]
	[ -d src/127.0.0.1/alice/plain/.git ]
}

@test "--prune removes only what sync registered, gone upstream, with nothing to lose; renames are reported" {
	origins acme keep gone dirty renamed
	config '"accounts": {"acme": {"type": "Organization", "repos": 4, "names": ["keep", "gone", "dirty", "renamed"], "ids": {"keep": 1, "gone": 2, "dirty": 3, "renamed": 4}}}'
	start_github "$CONFIG"
	run grove sync github --org acme --api-url "$GITHUB_API"
	assert_success
	grep -q 'grove_source = github:127.0.0.1/acme#2' .mrconfig
	# a clone registered by hand from the same organization is never pruned
	git clone -q "$ORIGINS/acme/keep.git" src/mine
	printf '[src/mine]\ncheckout = git clone x mine\n' >>.mrconfig
	echo change >>src/127.0.0.1/acme/dirty/a.txt
	origins acme new-name
	config '"accounts": {"acme": {"type": "Organization", "repos": 2, "names": ["keep", "new-name"], "ids": {"keep": 1, "new-name": 4}}}'
	run grove sync github --org acme --api-url "$GITHUB_API"
	assert_success
	assert_output --partial "gone upstream $HOME/src/127.0.0.1/acme/gone: grove sync --prune removes it"
	assert_output --partial "acme/new-name"
	assert_output --partial "renamed upstream: the clone stays at $HOME/src/127.0.0.1/acme/renamed"
	[ ! -e src/127.0.0.1/acme/new-name ]
	run grove sync github --org acme --api-url "$GITHUB_API" --prune --dry-run
	assert_output --partial "would prune $HOME/src/127.0.0.1/acme/gone"
	[ -d src/127.0.0.1/acme/gone ]
	run grove sync github --org acme --api-url "$GITHUB_API" --prune
	assert_output --partial "pruned $HOME/src/127.0.0.1/acme/gone"
	assert_output --partial "not pruned $HOME/src/127.0.0.1/acme/dirty: it has local changes"
	[ ! -e src/127.0.0.1/acme/gone ]
	[ -d src/127.0.0.1/acme/dirty ]
	[ -d src/mine ]
	not grep -q 'acme/gone' .mrconfig
	grep -q 'acme/dirty' .mrconfig
	# a failed listing prunes nothing
	config '"accounts": {"acme": {"type": "Organization", "repos": 0}}, "faults": [{"status": 500, "times": 9}]'
	run grove sync github --org acme --api-url "$GITHUB_API" --prune
	assert_failure 1
	[ -d src/127.0.0.1/acme/keep ]
}

@test "--prune keeps ignored files, local tags, worktrees and reflog-only commits; a pruned clone goes to the trash" {
	local n names='"plain", "ignored", "tagged", "worktree", "reflog"'
	origins acme plain ignored tagged worktree reflog
	config '"accounts": {"acme": {"type": "Organization", "repos": 5, "names": ['"$names"'], "ids": {"plain": 1, "ignored": 2, "tagged": 3, "worktree": 4, "reflog": 5}}}'
	start_github "$CONFIG"
	run grove sync github --org acme --api-url "$GITHUB_API"
	assert_success
	local d=src/127.0.0.1/acme
	# what only this clone holds
	echo .env >"$d/ignored/.git/info/exclude"
	echo SECRET=1 >"$d/ignored/.env"
	git -C "$d/tagged" commit -q --allow-empty -m mine
	git -C "$d/tagged" tag v-mine
	git -C "$d/tagged" reset -q --hard HEAD~1
	git -C "$d/tagged" reflog expire --expire=now --all
	git -C "$d/worktree" worktree add -q ../wt-elsewhere
	git -C "$d/reflog" commit -q --allow-empty -m lost
	git -C "$d/reflog" reset -q --hard HEAD~1
	# every one of them is gone upstream now
	config '"accounts": {"acme": {"type": "Organization", "repos": 0}}'
	run grove sync github --org acme --api-url "$GITHUB_API" --prune
	assert_success
	assert_output --regexp "pruned $HOME/$d/plain \\(moved to $HOME/src/.grove-trash/[0-9]{4}-[0-9]{2}-[0-9]{2}/127.0.0.1/acme/plain\\)"
	assert_output --partial "not pruned $HOME/$d/ignored: it has ignored files (.env): grove sync --prune-ignored prunes them too"
	assert_output --partial "not pruned $HOME/$d/tagged: 1 commit is only in local tags"
	assert_output --partial "not pruned $HOME/$d/worktree: it has linked worktrees"
	assert_output --partial "not pruned $HOME/$d/reflog: 1 commit is only in the reflog"
	[ ! -e "$d/plain" ]
	[ -d src/.grove-trash/*/127.0.0.1/acme/plain/.git ]
	for n in ignored tagged worktree reflog; do [ -d "$d/$n" ]; done
	# asked for, ignored files go too, into the trash with the clone
	run grove sync github --org acme --api-url "$GITHUB_API" --prune --prune-ignored
	assert_output --partial "pruned $HOME/$d/ignored"
	[ "$(cat src/.grove-trash/*/127.0.0.1/acme/ignored/.env)" = SECRET=1 ]
}

@test "profiles in \$XDG_CONFIG_HOME/grove/config: grove sync runs them all, grove sync NAME one" {
	origins acme one
	origins alice mine
	config '"accounts": {"acme": {"type": "Organization", "repos": 1, "names": ["one"]}, "alice": {"repos": 1, "names": ["mine"]}}'
	start_github "$CONFIG"
	export XDG_CONFIG_HOME="$HOME/.config"
	mkdir -p "$XDG_CONFIG_HOME/grove"
	run grove sync
	assert_failure 2
	assert_output --partial "no settings file $XDG_CONFIG_HOME/grove/config"
	cat >"$XDG_CONFIG_HOME/grove/config" <<-EOF2
	; grove's own settings
	[sync "work"]
	provider = github
	org = acme
	api-url = $GITHUB_API
	root = ~/work

	[sync "me"]
	provider = github
	user = alice
	api-url = $GITHUB_API
	skip-forks = true
	EOF2
	run grove sync work --dry-run
	assert_success
	assert_output --partial "would clone acme/one ($HOME/work/127.0.0.1/acme/one)"
	refute_output --partial alice
	run grove sync
	assert_success
	assert_line --index 0 "grove sync: work"
	assert_output --partial "cloned acme/one"
	assert_output --partial "cloned alice/mine ($HOME/src/127.0.0.1/alice/mine)"
	run grove sync nosuch
	assert_failure 2
	assert_output --partial 'no profile [sync "nosuch"]'
	printf '[sync "bad"]\nprovider = github\ncolour = blue\n' >"$XDG_CONFIG_HOME/grove/config"
	run grove sync
	assert_failure 2
	assert_output --partial "unknown setting 'colour'"
	printf '[other]\nx = 1\n' >"$XDG_CONFIG_HOME/grove/config"
	run grove sync
	assert_failure 2
	assert_output --partial 'sections are [sync "NAME"], not [other]'
}

@test "a redirect to another host is not followed: the token never goes there" {
	origins acme one
	start_github "$CONFIG"
	config '"accounts": {"acme": {"type": "Organization", "repos": 1, "names": ["one"]}}, "faults": [{"path": "/orgs/acme/repos", "redirect": "http://localhost:'"$GITHUB_PORT"'/orgs/acme/repos?per_page=100&moved=1"}]'
	GH_TOKEN=s3cret-token run grove sync github --org acme --api-url "$GITHUB_API" --dry-run
	assert_failure 1
	assert_output --partial "redirected to http://localhost:$GITHUB_PORT/orgs/acme/repos?per_page=100&moved=1, another origin: not followed"
	run python3 - "$GITHUB_LOG" <<-'EOF2'
	import json, sys
	for line in open(sys.argv[1]):
	    r = json.loads(line)
	    print(r["headers"].get("host"), r["headers"].get("authorization"))
	EOF2
	assert_output "127.0.0.1:$GITHUB_PORT Bearer s3cret-token"
}

@test "403 without rate-limit headers is no access; 403 with the limit used up waits for the reset" {
	origins acme one
	start_github "$CONFIG"
	config '"accounts": {"acme": {"type": "Organization", "repos": 1, "names": ["one"]}}, "faults": [{"status": 403, "message": "Resource not accessible by integration"}]'
	run grove sync github --org acme --api-url "$GITHUB_API"
	assert_failure 1
	assert_output --partial "403 forbidden: the token has no access to this"
	assert_output --partial "nothing was changed"
	config '"accounts": {"acme": {"type": "Organization", "repos": 1, "names": ["one"]}}, "faults": [{"status": 403, "ratelimit": true, "reset_in": 1}]'
	run grove sync github --org acme --api-url "$GITHUB_API" --dry-run
	assert_success
	assert_output --regexp "rate limit: waiting [12] seconds"
	assert_output --partial "would clone acme/one"
}

@test "an API server that stops answering fails after --timeout and changes nothing" {
	start_stall
	SECONDS=0
	run grove --timeout 2 sync github --org acme --api-url "http://127.0.0.1:$STALL_PORT"
	assert_failure 1
	assert_output --partial "cannot list the repositories"
	assert_output --partial "nothing was changed"
	[ "$SECONDS" -lt 20 ]
	[ ! -e src ]
	[ ! -e .mrconfig ]
}

@test "--prune never prunes a folder the listing still maps to: a repository deleted and made again" {
	origins acme again
	config '"accounts": {"acme": {"type": "Organization", "repos": 1, "names": ["again"], "ids": {"again": 7}}}'
	start_github "$CONFIG"
	run grove sync github --org acme --api-url "$GITHUB_API"
	assert_success
	# deleted upstream and made again under the same name: a new id
	config '"accounts": {"acme": {"type": "Organization", "repos": 1, "names": ["again"], "ids": {"again": 8}}}'
	run grove sync github --org acme --api-url "$GITHUB_API" --prune
	assert_success
	assert_line "grove sync: up-to-date acme/again ($HOME/src/127.0.0.1/acme/again)"
	refute_output --partial 'pruned'
	[ -d src/127.0.0.1/acme/again/.git ]
	grep -q 'acme/again' .mrconfig
}

@test "a sync state that cannot be kept is said, and costs nothing else" {
	origins acme one
	config '"accounts": {"acme": {"type": "Organization", "repos": 1, "names": ["one"]}}'
	start_github "$CONFIG"
	# the state folder cannot be made: a file is in its way
	: >"$HOME/state"
	export XDG_STATE_HOME="$HOME/state"
	run grove sync github --org acme --api-url "$GITHUB_API"
	assert_success
	assert_output --partial "cloned acme/one"
	assert_line --partial "grove sync: cannot keep what moved upstream (the next sync fetches every clone): cannot create a temporary file beside '$HOME/state/grove/sync/"
}
