#!/usr/bin/env bats
# grove sync against each forge's API test server on 127.0.0.1: the shared
# behaviour once per forge (table-driven), then what each forge has of its own

FORGES="github gitlab gitea bitbucket bitbucket-dc"

setup() {
	load helpers
	load servers
	common_setup
	unset GH_TOKEN GITHUB_TOKEN GITLAB_TOKEN GITLAB_ACCESS_TOKEN GITEA_TOKEN FORGEJO_TOKEN BITBUCKET_TOKEN \
		BITBUCKET_DC_TOKEN BITBUCKET_SERVER_TOKEN
	export XDG_CACHE_HOME="$HOME/.cache" XDG_STATE_HOME="$HOME/.state"
	ORIGINS="$BATS_TEST_TMPDIR/origins"
	CONFIG="$BATS_TEST_TMPDIR/forge.json"
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$ORIGINS"
	for cli in gh glab; do
		printf '#!/bin/sh\nexit 1\n' >"$BATS_TEST_TMPDIR/bin/$cli"
		chmod +x "$BATS_TEST_TMPDIR/bin/$cli"
	done
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
	start_daemon "$ORIGINS"
	GITBASE="git://127.0.0.1:$DAEMON_PORT"
}

teardown() {
	stop_servers
}

# origins PATH...: bare repositories (OWNER[/SUB...]/NAME) the clone URLs point at
origins() {
	local p seed="$BATS_TEST_TMPDIR/seed"
	[ -d "$seed" ] || mkrepo "$seed"
	for p in "$@"; do
		[ -d "$ORIGINS/$p.git" ] || git clone -q --bare "$seed" "$ORIGINS/$p.git"
	done
}

# config FORGE ACCOUNTS-JSON [MORE-JSON]: the server's configuration; an
# account named acme is GitHub's organization
config() {
	local accounts=$2
	[ "$1" = github ] && accounts=$(python3 -c 'import json,sys; a=json.loads(sys.argv[1]); [v.setdefault("type","Organization") for k,v in a.items() if k=="acme"]; print(json.dumps(a))' "$2")
	printf '{"token": "s3cret-token", "token_user": "alice", "clone_base": "%s", "accounts": %s%s}\n' \
		"$GITBASE" "$accounts" "${3:+, $3}" >"$CONFIG"
}

# api FORGE [ROOT_PATH]: starts its server on $CONFIG (under ROOT_PATH, as
# $CONFIG's root_path says); sets API and LOG
api() {
	if [ "$1" = github ]; then
		start_github "$CONFIG" "${2:-}"
		API=$GITHUB_API LOG=$GITHUB_LOG
	else
		start_forge "$1" "$CONFIG" "${2:-}"
		API=$FORGE_API LOG=$FORGE_LOG
	fi
}

# owner FORGE: the option that names an organization
owner() {
	case $1 in
	gitlab) echo --group ;;
	bitbucket) echo --workspace ;;
	bitbucket-dc) echo --project ;;
	*) echo --org ;;
	esac
}

# token_env FORGE: the variable its token comes from first
token_env() {
	case $1 in
	github) echo GH_TOKEN ;;
	gitlab) echo GITLAB_TOKEN ;;
	gitea) echo GITEA_TOKEN ;;
	bitbucket) echo BITBUCKET_TOKEN ;;
	bitbucket-dc) echo BITBUCKET_DC_TOKEN ;;
	esac
}

# auth_header FORGE: the header line the token goes in, as the server logs it
auth_header() {
	case $1 in
	gitlab) echo '"private-token": "s3cret-token"' ;;
	gitea) echo '"authorization": "token s3cret-token"' ;;
	*) echo '"authorization": "Bearer s3cret-token"' ;;
	esac
}

# listed_at_once FORGE: one page holds all 150 (Bitbucket Data Center's
# limit, 1000); has_etags FORGE: its replies carry ETags (Gitea's and
# Bitbucket Data Center's do not); has_pushed FORGE: its listing says when
# each repository last received a push (Bitbucket Data Center's does not)
listed_at_once() { [ "$1" = bitbucket-dc ]; }
has_etags() { [ "$1" != gitea ] && [ "$1" != bitbucket-dc ]; }
has_pushed() { [ "$1" != bitbucket-dc ]; }

paths() {
	python3 -c 'import json,sys; print("\n".join(json.loads(l)["path"] for l in open(sys.argv[1])))' "${LOG:-$FORGE_LOG}"
}

@test "every forge: 150 repositories listed page by page, cloned, registered; an unchanged re-sync fetches nothing" {
	local f names
	names=$(seq -f '"r%03g"' 1 150 | paste -sd ,)
	# shellcheck disable=SC2046
	origins $(seq -f 'acme/r%03g' 1 150)
	for f in $FORGES; do
		rm -rf "$HOME/src" "$HOME/.mrconfig" "$XDG_STATE_HOME" "$XDG_CACHE_HOME"
		config "$f" '{"acme": {"repos": 150, "names": ['"$names"']}}' '"page_limit": 50'
		api "$f"
		run grove -j 8 sync "$f" "$(owner "$f")" acme --api-url "$API" --root "$HOME/src"
		assert_success
		assert_line --index -1 "grove sync: finished (150 ok)"
		[ -d "$HOME/src/127.0.0.1/acme/r150/.git" ] || fail "$f: r150 not cloned"
		grep -qF "grove_source = $f:127.0.0.1/acme#" .mrconfig || fail "$f: no grove_source"
		# the forge's minimum: 100 a page (Gitea: its limit, 50; Bitbucket
		# Data Center: 1000)
		local want=2
		[ "$f" = gitea ] && want=3
		listed_at_once "$f" && want=1
		[ "$(wc -l <"$LOG")" -eq "$want" ] || fail "$f: $(wc -l <"$LOG") requests, not $want"
		: >"$LOG"
		run grove -v sync "$f" "$(owner "$f")" acme --api-url "$API" --root "$HOME/src"
		assert_success
		# without a push time in the listing each clone is fetched (no-op)
		local quiet="no push upstream since the last sync"
		has_pushed "$f" || quiet="up-to-date acme/"
		[ "$(grep -c "$quiet" <<<"$output")" -eq 150 ] || fail "$f: a re-sync fetched"
		[ "$(wc -l <"$LOG")" -eq "$want" ] || fail "$f: re-sync took $(wc -l <"$LOG") requests"
		# conditional requests where the forge gives ETags
		! has_etags "$f" || assert_output --partial "$want answered 304 not modified"
	done
}

@test "every forge: a push upstream (a new pushed-at) is fetched, the rest is not" {
	local f tmp="$BATS_TEST_TMPDIR/pusher"
	origins acme/one acme/two
	for f in $FORGES; do
		rm -rf "$HOME/src" "$HOME/.mrconfig" "$XDG_STATE_HOME" "$tmp"
		config "$f" '{"acme": {"repos": 2, "names": ["one", "two"]}}'
		api "$f"
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API"
		assert_success
		git clone -q "$ORIGINS/acme/one.git" "$tmp"
		echo "$f" >>"$tmp/a.txt"
		git -C "$tmp" commit -qam "$f"
		git -C "$tmp" push -q origin main
		config "$f" '{"acme": {"repos": 2, "names": ["one", "two"], "pushed": {"one": "2030-01-01T00:00:00Z"}}}'
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API"
		assert_success
		assert_output --partial "updated acme/one"
		assert_output --partial "up-to-date acme/two"
		[ "$(git -C src/127.0.0.1/acme/one rev-parse HEAD)" = "$(git -C "$tmp" rev-parse HEAD)" ] ||
			fail "$f: not fast-forwarded"
	done
}

@test "every forge: the token goes in the forge's own header, to the API only, never to disk or output" {
	local f
	origins acme/a
	for f in $FORGES; do
		rm -rf "$HOME/src" "$HOME/.mrconfig" "$XDG_STATE_HOME" "$XDG_CACHE_HOME"
		config "$f" '{"acme": {"repos": 1, "names": ["a"], "private": 1}}' '"member_of": ["acme"], "token_orgs": ["acme"]'
		api "$f"
		# --token-command, as a secret manager is asked
		run grove -v sync "$f" "$(owner "$f")" acme --api-url "$API" --token-command 'echo s3cret-token'
		assert_success
		assert_output --partial "token from --token-command"
		assert_output --partial "cloned acme/a"
		grep -qF "$(auth_header "$f")" "$LOG" || fail "$f: no $(auth_header "$f")"
		refute_output --partial s3cret
		run grep -rl s3cret "$HOME/src" "$HOME/.mrconfig" "$XDG_STATE_HOME" "$XDG_CACHE_HOME"
		assert_failure 1
		# the run log (grove undo) has the command line, the secret taken out
		run grove runs
		assert_output --partial "--token-command ***"
		# the forge's own variable
		: >"$LOG"
		export "$(token_env "$f")=s3cret-token"
		run grove -v sync "$f" "$(owner "$f")" acme --api-url "$API"
		assert_success
		assert_output --partial "token from $(token_env "$f")"
		grep -qF "$(auth_header "$f")" "$LOG" || fail "$f: not sent from $(token_env "$f")"
		# a refused token: 401 named, nothing changed
		export "$(token_env "$f")=wrong"
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API"
		unset "$(token_env "$f")"
		assert_failure 1
		assert_output --partial "401 bad credentials: the token was refused"
		assert_output --partial "nothing was changed"
	done
}

@test "every forge: a next page on another origin is not followed; faults change nothing" {
	local f
	origins acme/a
	for f in $FORGES; do
		rm -rf "$HOME/src" "$HOME/.mrconfig"
		config "$f" '{"acme": {"repos": 150}}' '"link_base": "http://localhost:1"'
		api "$f"
		# Bitbucket Data Center names the next page by a number: grove
		# makes the link, on the API's own origin
		if [ "$f" != bitbucket-dc ]; then
			run grove sync "$f" "$(owner "$f")" acme --api-url "$API"
			assert_failure 1
			assert_output --partial "another origin than $API: not followed"
			[ ! -e "$HOME/src" ] || fail "$f: something was cloned"
		fi
		for fault in '{"status": 500, "times": 9}' '{"body": "malformed"}' '{"body": "truncated"}' '{"status": 404}'; do
			config "$f" '{"acme": {"repos": 1, "names": ["a"]}}' '"faults": ['"$fault"']'
			run grove sync "$f" "$(owner "$f")" acme --api-url "$API"
			assert_failure 1
			assert_output --partial "nothing was changed"
			[ ! -e "$HOME/src" ] || fail "$f: $fault cloned"
		done
		# a rate limit is waited out
		config "$f" '{"acme": {"repos": 1, "names": ["a"]}}' '"faults": [{"status": 429, "ratelimit": true, "retry_after": 1}]'
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API"
		assert_success
		assert_output --partial "rate limit: waiting 1 seconds"
	done
}

@test "every forge: hostile names and clone URLs create nothing, --layout places clones, renames, --prune" {
	local f
	origins acme/good acme/renamed
	for f in $FORGES; do
		rm -rf "$HOME/src" "$HOME/work" "$HOME/.mrconfig" "$XDG_STATE_HOME"
		config "$f" '{"acme": {"repos": 3, "names": ["good", "..", "-x"]}}'
		api "$f"
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API"
		# refused for safety: a failure the run's status says
		assert_failure 1
		assert_output --partial "cloned acme/good"
		assert_line --partial "grove sync: failed: acme/-x: not a name"
		assert_line --regexp '^grove sync: finished \(1 ok; 2 failed'
		assert_line --partial "grove sync: (failed: "
		# a folder named -x, anywhere below ROOT (the test's own temporary
		# path may hold "-x" by chance: only a whole name counts)
		run find "$HOME/src" -maxdepth 3
		refute_line --regexp '/-x$'
		[ ! -e "$HOME/src/127.0.0.1/acme/-x" ] || fail "$f: made a folder -x"
		# --layout: ~/work/NAME
		rm -rf "$HOME/src" "$HOME/.mrconfig" "$XDG_STATE_HOME"
		config "$f" '{"acme": {"repos": 1, "names": ["good"], "ids": {"good": 77, "renamed": 77}}}'
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API" --root "$HOME/work" --layout '{name}'
		assert_success
		[ -d "$HOME/work/good/.git" ] || fail "$f: --layout {name} not honoured"
		grep -qF "checkout = git clone '$GITBASE/acme/good.git' 'good'" .mrconfig || fail "$f: checkout line"
		config "$f" '{"acme": {"repos": 1, "names": ["renamed"], "ids": {"good": 77, "renamed": 77}}}'
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API" --root "$HOME/work" --layout '{name}'
		assert_success
		assert_output --partial "renamed upstream: the clone stays at $HOME/work/good"
		[ ! -e "$HOME/work/renamed" ] || fail "$f: cloned twice"
		# gone upstream: --prune moves the clone to the trash, unregisters it
		config "$f" '{"acme": {"repos": 0}}'
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API" --root "$HOME/work" --layout '{name}' --prune
		assert_success
		assert_output --partial "pruned $HOME/work/good"
		[ ! -e "$HOME/work/good" ] || fail "$f: not pruned"
		run grep -c "work/good" .mrconfig
		assert_output 0
		# a clone URL that leads anywhere but the forge's git host is refused
		config "$f" '{"acme": {"repos": 1, "names": ["good"], "clone_urls": {"good": "file:///etc"}, "ssh_urls": {"good": "file:///etc"}}}'
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API"
		assert_failure 1
		assert_line --partial "grove sync: failed: acme/good: refused clone URL 'file:///etc'"
		assert_line "grove sync: (failed: acme/good)"
	done
	run grove sync github --org acme --api-url "$API" --layout '{host}/../{name}'
	assert_failure 2
	assert_output --partial "no '.', '..' or '-' folders"
	run grove sync github --org acme --api-url "$API" --layout '{host}/{owner}'
	assert_failure 2
	assert_output --partial "{name} must be in it"
}

@test "gitlab: a group with three levels of subgroups keeps its hierarchy; private, archived and forks" {
	origins acme/top acme/team/mid acme/team/core/deep acme/team/core/fork upstream-owner/fork acme/team/core/old
	config gitlab '{"acme": {"repos": 1, "names": ["top"], "subgroups": {"team": {"repos": 1, "names": ["mid"],
		"subgroups": {"core": {"repos": 4, "names": ["secret", "fork", "old", "deep"], "private": 1, "forks": 1, "archived": 1}}}}}}'
	start_forge gitlab "$CONFIG"
	run grove sync gitlab --group acme --api-url "$FORGE_API" --skip-archived
	assert_success
	[ -d src/127.0.0.1/acme/top/.git ]
	[ -d src/127.0.0.1/acme/team/mid/.git ]
	[ -d src/127.0.0.1/acme/team/core/deep/.git ]
	[ ! -e src/127.0.0.1/acme/team/core/secret ]
	assert_output --partial "archived (--skip-archived)"
	# a fork's parent comes with the listing: no request for it
	run git -C src/127.0.0.1/acme/team/core/fork remote get-url upstream
	assert_output "$GITBASE/upstream-owner/fork.git"
	run paths
	assert_line --index 0 "/api/v4/groups/acme/projects?include_subgroups=true&order_by=id&sort=asc&per_page=100"
	[ "${#lines[@]}" -eq 1 ]
	# private ones with the token; --mine pages by keyset
	: >"$FORGE_LOG"
	config gitlab '{"acme": {"repos": 150, "subgroups": {"team": {"repos": 0}}}}' '"member_of": ["acme"]'
	# shellcheck disable=SC2046
	origins $(seq -f 'acme/repo-%03g' 0 149)
	GITLAB_TOKEN=s3cret-token
	export GITLAB_TOKEN
	run grove sync gitlab --mine --api-url "$FORGE_API" --no-clone
	unset GITLAB_TOKEN
	assert_success
	run paths
	assert_line --index 0 "/api/v4/projects?membership=true&pagination=keyset&order_by=id&sort=asc&per_page=100"
	assert_line --index 1 --partial "id_after="
	# a group path is URL-encoded; --language is GitLab's own filter
	: >"$FORGE_LOG"
	config gitlab '{"acme": {"subgroups": {"team": {"repos": 2, "names": ["c", "py"], "languages": {"c": "C", "py": "Python"}}}}}'
	origins acme/team/c acme/team/py
	run grove sync gitlab --group acme/team --api-url "$FORGE_API" --language c --dry-run
	assert_success
	assert_output --partial "would clone acme/team/c"
	refute_output --partial "acme/team/py"
	run paths
	assert_line --index 0 --partial "/api/v4/groups/acme%2Fteam/projects?"
	assert_line --index 0 --partial "with_programming_language=c"
}

@test "gitea and codeberg: the server's page limit, forks' parent as upstream, topics and language" {
	origins acme/a acme/b acme/f upstream-owner/f
	config gitea '{"acme": {"repos": 3, "names": ["f", "a", "b"], "forks": 1, "topics": {"a": ["cli"]}, "languages": {"b": "Go"}}}' '"page_limit": 2'
	start_forge gitea "$CONFIG"
	run grove sync codeberg --org acme --api-url "$FORGE_API" --topic cli --topic other
	assert_success
	assert_output --partial "cloned acme/a"
	assert_output --partial "has none of the --topic topics"
	run paths
	assert_line --index 0 "/api/v1/orgs/acme/repos?limit=100"
	assert_line --index 1 "/api/v1/orgs/acme/repos?limit=2&page=2"
	run grove sync forgejo --org acme --api-url "$FORGE_API" --language go
	assert_success
	assert_output --partial "cloned acme/b"
	run grove sync gitea --org acme --api-url "$FORGE_API"
	assert_success
	run git -C src/127.0.0.1/acme/f remote get-url upstream
	assert_output "$GITBASE/upstream-owner/f.git"
	run grove sync gitea --org acme
	assert_failure 2
	assert_output --partial "gitea needs --api-url"
}

@test "bitbucket: next links in the body, a fork's parent looked up, Basic auth from a git credential, no topics" {
	origins ws/a ws/f upstream-owner/f
	config bitbucket '{"ws": {"repos": 2, "names": ["f", "a"], "forks": 1}}'
	start_forge bitbucket "$CONFIG"
	git config --global credential.helper '!f() { echo username=alice; echo password=s3cret-token; }; f'
	run grove -v sync bitbucket --workspace ws --api-url "$FORGE_API"
	assert_success
	assert_output --partial "token from git credential"
	grep -qF '"authorization": "Basic YWxpY2U6czNjcmV0LXRva2Vu"' "$FORGE_LOG"
	run git -C src/127.0.0.1/ws/f remote get-url upstream
	assert_output "$GITBASE/upstream-owner/f.git"
	run paths
	assert_line "/2.0/repositories/upstream-owner/f"
	run grove sync bitbucket --workspace ws --api-url "$FORGE_API" --topic x
	assert_failure 2
	assert_output --partial "--topic: Bitbucket's API does not say this"
	run grove sync bitbucket --org ws --api-url "$FORGE_API"
	assert_failure 2
	assert_output --partial "bitbucket has no --org: give --workspace, --user or --mine"
}

@test "github --starred: a user's stars of any owner, each in its own OWNER folder" {
	origins one/x two/y
	config github '{"one": {"repos": 1, "names": ["x"]}, "two": {"repos": 1, "names": ["y"]}}' '"starred": ["one/x", "two/y"]'
	start_github "$CONFIG"
	run grove sync github --starred --user alice --api-url "$GITHUB_API"
	assert_success
	[ -d src/127.0.0.1/one/x/.git ]
	[ -d src/127.0.0.1/two/y/.git ]
	export GH_TOKEN=s3cret-token
	run grove sync github --starred --api-url "$GITHUB_API" --dry-run
	unset GH_TOKEN
	assert_success
	grep -qF '"path": "/user/starred?per_page=100"' "$GITHUB_LOG"
	run grove sync github --starred --org one --api-url "$GITHUB_API"
	assert_failure 2
	assert_output --partial "--starred lists a user's stars"
}

@test "profiles name their forge: forge = gitlab; an unknown forge is an error before any sync" {
	origins acme/a
	config gitlab '{"acme": {"repos": 1, "names": ["a"]}}'
	start_forge gitlab "$CONFIG"
	mkdir -p "$HOME/.config/grove"
	printf '[sync "work"]\nforge = gitlab\ngroup = acme\napi-url = %s\ntopic = none\n' "$FORGE_API" >"$HOME/.config/grove/config"
	run grove sync work
	assert_success
	assert_output --partial "has none of the --topic topics"
	run grove sync work --topic ""
	assert_success
	printf '[sync "x"]\nforge = launchpad\n' >"$HOME/.config/grove/config"
	run grove sync
	assert_failure 2
	assert_output --partial "no forge 'launchpad'"
}

# the keys of acme/a's section in ~/.mrconfig
section_a() {
	sed -n '/^\[src\/127.0.0.1\/acme\/a\]$/,/^\[/{/^[a-z_]* = /p}' "$HOME/.mrconfig"
}

@test "undo of a sync takes out only the keys it wrote; a clone kept for its work keeps its section" {
	# issue 29, item 3: undo removed the sync's sections whole, with the
	# keys the user had put there since, even beside a clone it kept
	origins acme/a acme/b
	config gitlab '{"acme": {"repos": 2, "names": ["a", "b"]}}'
	api gitlab
	run grove sync gitlab --group acme --api-url "$API"
	assert_success
	run grove config src/127.0.0.1/acme/a groups=work
	assert_success
	local_commit src/127.0.0.1/acme/b
	local before; before=$(cat .mrconfig)
	run --separate-stderr grove undo
	assert_failure 1
	assert_output --partial "acme/a: keys checkout, grove_source taken out of $HOME/.mrconfig; the section stays for groups"
	assert_regex "$stderr" "left: $HOME/src/127.0.0.1/acme/b: its clone holds work .*: its section stays"
	# a keeps the user's key and nothing of the sync's; b keeps its section whole
	run section_a
	assert_output "groups = work"
	grep -qF "[src/127.0.0.1/acme/b]" .mrconfig
	grep -qF "checkout = git clone '$GITBASE/acme/b.git' 'b'" .mrconfig
	[ -d src/127.0.0.1/acme/b/.git ]
	# the undo undone: the sync's keys back beside the user's, once each
	run grove undo
	assert_success
	run section_a
	assert_line "groups = work"
	assert_line "checkout = git clone '$GITBASE/acme/a.git' 'a'"
	assert_line --regexp '^grove_source = gitlab:127.0.0.1/acme#[0-9]+$'
	assert_equal "${#lines[@]}" 3
}

@test "sync then undo: its clones and registry sections go; a pruned folder and its section come back" {
	origins acme/a acme/b
	config gitlab '{"acme": {"repos": 2, "names": ["a", "b"]}}'
	api gitlab
	run grove sync gitlab --group acme --api-url "$API"
	assert_success
	run grove runs show
	assert_line --partial "clone           $HOME/src/127.0.0.1/acme/a from $GITBASE/acme/a.git"
	assert_line --partial "registry-add    $HOME/src/127.0.0.1/acme/b in $HOME/.mrconfig"
	run grove undo
	assert_success
	[ ! -e src/127.0.0.1/acme/a ]
	[ -d src/.grove-trash ]
	run grep -c "acme/" .mrconfig
	assert_output 0
	# the same run again: everything is already as before it
	run grove undo "$(grove runs | sed -n 2p | cut -d' ' -f1)"
	assert_success
	assert_output --partial "finished (4 taken back, 0 left, 0 failed)"
	assert_output --partial "acme/a: already as before the run"
	refute_output --partial "unregistered from"
	# prune, then undo: the folder back from the trash, its section again
	rm -rf "$XDG_STATE_HOME/grove/sync"
	run grove sync gitlab --group acme --api-url "$API"
	assert_success
	config gitlab '{"acme": {"repos": 1, "names": ["a"]}}'
	run grove sync gitlab --group acme --api-url "$API" --prune
	assert_success
	assert_output --partial "pruned $HOME/src/127.0.0.1/acme/b"
	[ ! -e src/127.0.0.1/acme/b ]
	run grove undo
	assert_success
	assert_output --partial "acme/b: moved back from"
	[ -d src/127.0.0.1/acme/b/.git ]
	grep -qF "[src/127.0.0.1/acme/b]" .mrconfig
	grep -qF "grove_source = gitlab:127.0.0.1/acme#" .mrconfig
	run grove -a list
	assert_line "$HOME/src/127.0.0.1/acme/b"
}

@test "no token as a URL's user name and no --api-url password reaches the run log" {
	# issue 30, item 2: https://TOKEN@host (a form GitHub documents) and the
	# password of an --api-url were kept in the run log, shown by grove runs
	origins acme/a
	config gitlab '{"acme": {"repos": 1, "names": ["a"]}}'
	api gitlab
	run grove sync gitlab --group acme --api-url "${API/:\/\//://apiuser:s3cret-pass@}"
	assert_success
	start_http "$ORIGINS" - -
	printf '[src/tok]\ncheckout = git clone http://tok3n-secret@127.0.0.1:%s/acme/a.git tok\n' \
		"$HTTP_PORT" >>.mrconfig
	run grove -a checkout
	assert_success
	assert_output --partial "src/tok"
	run grove runs
	assert_output --partial "--api-url http://127.0.0.1:"
	refute_output --partial s3cret
	refute_output --partial apiuser
	run grove runs show
	assert_output --partial "clone           $HOME/src/tok from http://127.0.0.1:$HTTP_PORT/acme/a.git"
	refute_output --partial tok3n
	run grep -rl -e s3cret -e tok3n -e apiuser "$XDG_STATE_HOME/grove/runs"
	assert_failure 1
}

@test "every forge: a listing whose next page is a page already read ends at once" {
	# issue 30, item 5: a next link to the page itself was followed 5,000
	# times (each reply up to 8 MiB) before grove gave up
	local f n
	origins acme/a
	for f in $FORGES; do
		rm -rf "$HOME/src" "$HOME/.mrconfig"
		config "$f" '{"acme": {"repos": 1, "names": ["a"]}}' '"faults": [{"next": "self", "times": 100}]'
		api "$f"
		: >"$LOG"
		run timeout 60 "$GROVE_BIN" sync "$f" "$(owner "$f")" acme --api-url "$API"
		assert_failure 1
		assert_output --partial "is a page already read: the listing loops"
		assert_output --partial "nothing was changed"
		n=$(grep -c acme "$LOG")
		[ "$n" -le 3 ] || fail "$f: $n requests for a looping listing"
		[ ! -e "$HOME/src" ] || fail "$f: something was cloned"
	done
}

@test "every forge: a Retry-After past what grove waits (over a day, or a date) fails at once" {
	# issue 30, item 6: such a 429 was taken as 60 s and asked again, three
	# times a page; a far rate-limit reset already failed at once
	local f ra
	origins acme/a
	for f in $FORGES; do
		rm -rf "$HOME/src" "$HOME/.mrconfig"
		config "$f" '{"acme": {"repos": 1, "names": ["a"]}}'
		api "$f"
		for ra in 90000 "Wed, 21 Oct 2099 07:28:00 GMT"; do
			config "$f" '{"acme": {"repos": 1, "names": ["a"]}}' \
				'"faults": [{"status": 429, "ratelimit": true, "retry_after": "'"$ra"'", "times": 10}]'
			: >"$LOG"
			run timeout 30 "$GROVE_BIN" sync "$f" "$(owner "$f")" acme --api-url "$API"
			assert_failure 1
			assert_output --partial "rate limited (429): it would be"
			refute_output --partial "waiting"
			[ "$(grep -c acme "$LOG")" -eq 1 ] || fail "$f, Retry-After $ra: asked again"
		done
		# a date near enough is waited out
		config "$f" '{"acme": {"repos": 1, "names": ["a"]}}' \
			'"faults": [{"status": 429, "ratelimit": true, "retry_after": "'"$(date -u -d '+2 seconds' '+%a, %d %b %Y %H:%M:%S GMT')"'"}]'
		run timeout 30 "$GROVE_BIN" sync "$f" "$(owner "$f")" acme --api-url "$API"
		assert_success
		assert_output --regexp "rate limit: waiting [0-9] seconds"
	done
}

# subpath_http PATH: smart HTTP (no auth) serving $ORIGINS under /PATH, as
# a forge installed under a sub-path serves its git; sets SUBBASE
subpath_http() {
	mkdir -p "$BATS_TEST_TMPDIR/web"
	ln -sfn "$ORIGINS" "$BATS_TEST_TMPDIR/web/$1"
	start_http "$BATS_TEST_TMPDIR/web" - -
	SUBBASE="http://127.0.0.1:$HTTP_PORT/$1"
}

@test "gitlab and gitea under a sub-path: clone URLs below the instance's root clone, others fail the run" {
	local f
	origins acme/web acme/api
	subpath_http gitlab
	for f in gitlab gitea; do
		rm -rf "$HOME/src" "$HOME/.mrconfig" "$XDG_STATE_HOME"
		GITBASE=$SUBBASE config "$f" '{"acme": {"repos": 2, "names": ["web", "api"], "clone_urls": {"api": "http://127.0.0.1:'"$HTTP_PORT"'/other/acme/api.git"}}}' '"root_path": "/gitlab"'
		api "$f" /gitlab
		[[ $API == */gitlab/api/v[14] ]] || fail "$f: the API is at $API"
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API"
		assert_failure 1
		assert_line "grove sync: cloned acme/web ($HOME/src/127.0.0.1/acme/web)"
		assert_line --partial "grove sync: failed: acme/api: refused clone URL 'http://127.0.0.1:$HTTP_PORT/other/acme/api.git'"
		assert_line "grove sync: finished (1 ok; 1 failed)"
		assert_line "grove sync: (failed: acme/api)"
		[ -d src/127.0.0.1/acme/web/.git ] || fail "$f: web not cloned"
		[ ! -e src/127.0.0.1/acme/api ] || fail "$f: api made"
		grep -qF "checkout = git clone '$SUBBASE/acme/web.git' 'web'" .mrconfig || fail "$f: checkout line"
	done
}

@test "ssh on the instance's own port and user: ssh:// with a port (gitlab, bitbucket-dc), USER@HOST:PATH (gitea)" {
	start_sshd || skip "no sshd"
	local f port me
	origins acme/web
	port=$(sed -n 's/^Port //p' "$BATS_TEST_TMPDIR/sshd/sshd_config")
	me=$(id -un)
	# the key's forced command serves OWNER/NAME.git, as gitlab-shell does
	sed -i "s|^|command=\"$BATS_TEST_DIRNAME/../servers/git_shell $ORIGINS\" |" "$BATS_TEST_TMPDIR/sshd/authorized_keys"
	cat >>"$HOME/.ssh/config" <<-EOT
	Host 127.0.0.1
	  Port $port
	  IdentityFile $HOME/.ssh/id_ed25519
	  IdentitiesOnly yes
	  IdentityAgent none
	  UserKnownHostsFile $HOME/.ssh/known_hosts
	  StrictHostKeyChecking yes
	EOT
	for f in gitlab gitea bitbucket-dc; do
		rm -rf "$HOME/src" "$HOME/.mrconfig" "$XDG_STATE_HOME"
		local ssh="ssh://$me@127.0.0.1:$port/acme/web.git"
		[ "$f" = gitea ] && ssh="$me@127.0.0.1:acme/web.git"
		config "$f" '{"acme": {"repos": 1, "names": ["web"], "ssh_urls": {"web": "'"$ssh"'"}}}'
		api "$f"
		local wiki=
		[ "$f" != bitbucket-dc ] && wiki=--wiki
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API" --protocol ssh $wiki
		assert_success
		assert_line "grove sync: cloned acme/web ($HOME/src/127.0.0.1/acme/web)"
		[ "$(git -C src/127.0.0.1/acme/web remote get-url origin)" = "$ssh" ] || fail "$f: origin"
		# over ssh a wiki with no page is git's "does not appear to be a git
		# repository" (GitHub's "Repository not found", ...)
		[ -z "$wiki" ] ||
			assert_line "grove sync: skipped acme/web.wiki ($HOME/src/127.0.0.1/acme/web.wiki): no wiki pages yet (${ssh%.git}.wiki.git: not found)"
	done
}

@test "GitHub Enterprise Server: the API under /api/v3, git at the instance's root" {
	origins acme/web
	config github '{"acme": {"repos": 1, "names": ["web"]}}' '"root_path": "/api/v3"'
	api github /api/v3
	run grove sync github --org acme --api-url "$API"
	assert_success
	assert_line "grove sync: cloned acme/web ($HOME/src/127.0.0.1/acme/web)"
	[ "$(paths)" = "/api/v3/orgs/acme/repos?per_page=100" ] || fail "asked for $(paths)"
}

# wiki_url FORGE NAME: where the forge keeps NAME's wiki below $base
wiki_url() {
	if [ "$1" = bitbucket ]; then echo "$base/acme/$2.git/wiki"; else echo "$base/acme/$2.wiki.git"; fi
}

@test "--wiki: each repository's wiki beside it (github, gitlab, gitea, bitbucket), where it has pages and its repository is synced" {
	local f base web_id
	# web's wiki has pages; api's is on with none yet (the forge's git
	# answers 404); docs has its wiki off; old is left out by --exclude.
	# Bitbucket Cloud keeps a wiki at NAME.git/wiki
	origins acme/web acme/api acme/docs acme/old acme/web.wiki acme/old.wiki
	git clone -q --bare "$BATS_TEST_TMPDIR/seed" "$ORIGINS/acme/web.git/wiki"
	start_http "$ORIGINS" - -
	base="http://127.0.0.1:$HTTP_PORT"
	for f in github gitlab gitea bitbucket; do
		rm -rf "$HOME/src" "$HOME/.mrconfig" "$XDG_STATE_HOME" "$XDG_CACHE_HOME"
		GITBASE=$base config "$f" '{"acme": {"repos": 4, "names": ["web", "api", "docs", "old"], "no_wiki": ["docs"], "ids": {"web": 41}}}'
		api "$f"
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API" --wiki --exclude old
		assert_success
		assert_line "grove sync: cloned acme/web.wiki ($HOME/src/127.0.0.1/acme/web.wiki)"
		assert_line --regexp "^grove sync: skipped acme/api\.wiki \($HOME/src/127\.0\.0\.1/acme/api\.wiki\): no wiki pages yet \(http://(alice@)?${base#http://}/acme/api(\.wiki\.git|\.git/wiki): not found\)$"
		refute_line --partial docs.wiki
		refute_line --partial old.wiki
		assert_line "grove sync: finished (4 ok; 2 skipped)"
		[ -f src/127.0.0.1/acme/web.wiki/a.txt ] || fail "$f: the wiki's pages are not checked out"
		grep -qF "checkout = git clone '$(wiki_url "$f" web)' 'web.wiki'" .mrconfig ||
			fail "$f: $(grep checkout .mrconfig)"
		grep -qE "grove_source = $f:127.0.0.1/acme#[0-9]+\.wiki" .mrconfig || fail "$f: $(grep grove_source .mrconfig)"
		# a wiki's edits are no push to its repository: fetched every time
		run grove -v sync "$f" "$(owner "$f")" acme --api-url "$API" --wiki --exclude old
		assert_success
		assert_line "grove sync: up-to-date acme/web.wiki ($HOME/src/127.0.0.1/acme/web.wiki)"
		# a sync without --wiki leaves the wikis be, even with --prune
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API" --prune
		assert_success
		[ -d src/127.0.0.1/acme/web.wiki/.git ] || fail "$f: the wiki was pruned"
	done
	# backups (README): bare mirrors of the repositories and their wikis
	GITBASE=$base config github '{"acme": {"repos": 1, "names": ["web"]}}'
	api github
	run grove sync github --org acme --api-url "$API" --mirror --wiki --root "$HOME/backup"
	assert_success
	assert_line "grove sync: cloned acme/web.wiki ($HOME/backup/127.0.0.1/acme/web.wiki.git)"
	[ "$(git -C backup/127.0.0.1/acme/web.wiki.git config remote.origin.mirror)" = true ] ||
		fail "the wiki is no mirror"
	# a forge whose wikis are no git repositories grove can list: refused
	# before anything is asked
	run grove sync bitbucket-dc --project ACME --api-url "http://127.0.0.1:1/rest/api/1.0" --wiki
	assert_failure 2
	assert_output --partial "--wiki: Bitbucket Data Center has no wikis grove can sync"
}

@test "every forge: --match, --exclude and ROOT/.groveignore (a regex a line, on the name or the clone URL)" {
	local f
	origins acme/web acme/web-old acme/api acme/docs acme/tools
	for f in $FORGES; do
		rm -rf "$HOME/src" "$HOME/.mrconfig" "$XDG_STATE_HOME"
		mkdir -p "$HOME/src"
		# a ghorgignore line (part of a clone URL) works as it is
		printf '# retired\n\n^acme/.*-old$\n%s/acme/docs.git\n' "$GITBASE" >"$HOME/src/.groveignore"
		config "$f" '{"acme": {"repos": 5, "names": ["web", "web-old", "api", "docs", "tools"]}}'
		api "$f"
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API" --match '^acme/(web|api|docs)' --exclude 'api$'
		assert_success
		assert_line "grove sync: cloned acme/web ($HOME/src/127.0.0.1/acme/web)"
		assert_line "grove sync: skipped acme/web-old: listed in $HOME/src/.groveignore (line 3)"
		assert_line "grove sync: skipped acme/docs: listed in $HOME/src/.groveignore (line 4)"
		assert_line "grove sync: skipped acme/api: matches --exclude"
		assert_line "grove sync: skipped acme/tools: does not match --match"
		assert_line "grove sync: finished (1 ok; 4 skipped)"
		run ls "$HOME/src/127.0.0.1/acme"
		assert_output web
	done
	# a line that is not a regex: nothing asked of the forge
	printf 'good\n(unclosed\n' >"$HOME/src/.groveignore"
	: >"$LOG"
	run grove sync "$f" "$(owner "$f")" acme --api-url "$API"
	assert_failure 2
	assert_output --partial "$HOME/src/.groveignore:2: '(unclosed': "
	run grep -c . "$LOG"
	assert_output 0
}

@test "bitbucket-dc: a context path, clones below BASE/scm, project keys, nextPageStart, forks' origin, personal projects" {
	origins acme/web acme/api acme/f upstream-owner/f "~alice/notes"
	mkdir -p "$BATS_TEST_TMPDIR/web/bitbucket"
	ln -s "$ORIGINS" "$BATS_TEST_TMPDIR/web/bitbucket/scm"
	start_http "$BATS_TEST_TMPDIR/web" - -
	local base="http://127.0.0.1:$HTTP_PORT/bitbucket/scm"
	GITBASE=$base config bitbucket-dc '{"ACME": {"repos": 3, "names": ["f", "web", "api"], "forks": 1}, "~alice": {"repos": 1, "names": ["notes"]}}' '"root_path": "/bitbucket", "dc_limit": 2'
	api bitbucket-dc /bitbucket
	[[ $API == http://127.0.0.1:*/bitbucket/rest/api/1.0 ]] || fail "API at $API"
	run grove sync bitbucket-dc --project ACME --api-url "$API"
	assert_success
	assert_line "grove sync: cloned ACME/web ($HOME/src/127.0.0.1/ACME/web)"
	assert_line "grove sync: cloned ACME/f ($HOME/src/127.0.0.1/ACME/f)"
	# the key is lower case in clone links, as Bitbucket writes them; the
	# account the listing was asked with is not kept in the URL
	grep -qF "checkout = git clone '$base/acme/web.git' 'web'" .mrconfig || fail "checkout line: $(grep checkout .mrconfig)"
	[ "$(git -C src/127.0.0.1/ACME/f remote get-url upstream)" = "$base/upstream-owner/f.git" ] ||
		fail "fork's upstream: $(git -C src/127.0.0.1/ACME/f remote -v)"
	# two a page: start=0, then start=2 from nextPageStart
	run paths
	assert_output "/bitbucket/rest/api/1.0/projects/ACME/repos?limit=1000
/bitbucket/rest/api/1.0/projects/ACME/repos?limit=1000&start=2"
	run grove sync bitbucket-dc --user alice --api-url "$API"
	assert_success
	assert_line "grove sync: cloned ~alice/notes ($HOME/src/127.0.0.1/~alice/notes)"
	# hostile page numbers: one that goes back is a loop; one that is not a
	# count, on a page that is not the last, cuts the listing short, and a
	# listing taken as whole from it would prune what the rest holds
	config bitbucket-dc '{"ACME": {"repos": 3, "names": ["f", "web", "api"]}}' '"root_path": "/bitbucket", "dc_limit": 2, "faults": [{"next": "self", "times": 100}]'
	run timeout 30 "$GROVE_BIN" sync bitbucket-dc --project ACME --api-url "$API"
	assert_failure 1
	assert_output --partial "is a page already read: the listing loops"
	config bitbucket-dc '{"ACME": {"repos": 3, "names": ["f", "web", "api"]}}' '"root_path": "/bitbucket", "dc_limit": 2, "faults": [{"next": "negative", "times": 100}]'
	run grove sync bitbucket-dc --project ACME --api-url "$API" --prune
	assert_failure 1
	assert_output --partial "not the last page, and its nextPageStart (-1) is not where another begins"
	[ -d src/127.0.0.1/ACME/api ] || fail "api was pruned on a listing cut short"
}

@test "azure: an organization's projects in one request, a PAT as Basic, {host}/{org}/{project}/{name}, forks' parent, --project" {
	local basic
	origins acme/core/_git/web acme/core/_git/api acme/ops/_git/deploy acme/upstream-owner/_git/web
	config azure '{"acme": {"subgroups": {"core": {"repos": 2, "names": ["web", "api"], "forks": 1}, "ops": {"repos": 1, "names": ["deploy"]}}}}'
	api azure
	export AZURE_DEVOPS_EXT_PAT=s3cret-token
	run grove -v sync azure --org acme --api-url "$API"
	assert_success
	assert_line "grove sync: cloned acme/core/web ($HOME/src/127.0.0.1/acme/core/web)"
	assert_line "grove sync: cloned acme/ops/deploy ($HOME/src/127.0.0.1/acme/ops/deploy)"
	assert_output --partial "token from AZURE_DEVOPS_EXT_PAT"
	# the organization's listing holds every project's repositories
	run paths
	assert_output "/acme/_apis/git/repositories?api-version=7.1"
	basic=$(printf ':s3cret-token' | base64)
	grep -qF "\"authorization\": \"Basic $basic\"" "$LOG" || fail "no Basic auth with an empty user: $(cat "$LOG")"
	# the organization Azure puts in the https URL as its user is left out
	grep -qF "checkout = git clone '$GITBASE/acme/core/_git/api' 'api'" .mrconfig || fail "checkout: $(grep checkout .mrconfig)"
	[ "$(git -C src/127.0.0.1/acme/core/web remote get-url upstream)" = "$GITBASE/acme/upstream-owner/_git/web" ] ||
		fail "no upstream: $(git -C src/127.0.0.1/acme/core/web remote -v)"
	: >"$LOG"
	run grove sync azure --org acme --project ops --api-url "$API" --root "$HOME/other"
	assert_success
	assert_line "grove sync: cloned acme/ops/deploy ($HOME/other/127.0.0.1/acme/ops/deploy)"
	assert_line "grove sync: finished (1 ok)"
	run paths
	assert_output "/acme/ops/_apis/git/repositories?api-version=7.1"
	# a disabled repository (isDisabled) counts as archived
	config azure '{"acme": {"subgroups": {"ops": {"repos": 1, "names": ["deploy"], "archived": 1}}}}'
	run grove sync azure --org acme --project ops --api-url "$API" --root "$HOME/other" --skip-archived
	assert_success
	assert_line "grove sync: skipped acme/ops/deploy: disabled (--skip-archived)"
	unset AZURE_DEVOPS_EXT_PAT
}

@test "azure: hostile names and clone URLs fail the run; Azure DevOps Server's collection under /tfs" {
	origins DefaultCollection/core/_git/web
	config azure '{"acme": {"subgroups": {"core": {"repos": 3, "names": ["web", "..", "api"], "clone_urls": {"web": "'"$GITBASE"'/other/core/_git/web", "api": "file:///etc"}}}}}'
	api azure
	run grove sync azure --org acme --api-url "$API"
	assert_failure 1
	assert_line --partial "grove sync: failed: acme/core/..: not a name Azure DevOps allows"
	assert_line --partial "grove sync: failed: acme/core/web: refused clone URL '$GITBASE/other/core/_git/web'"
	assert_line --partial "grove sync: failed: acme/core/api: refused clone URL 'file:///etc'"
	[ ! -e src ] || fail "something was made: $(find src)"
	# a server's collection is the organization; the API under /tfs
	stop_servers
	start_daemon "$ORIGINS"
	GITBASE="git://127.0.0.1:$DAEMON_PORT"
	config azure '{"DefaultCollection": {"subgroups": {"core": {"repos": 1, "names": ["web"]}}}}' '"root_path": "/tfs"'
	api azure /tfs
	run grove sync azure --org DefaultCollection --api-url "$API"
	assert_success
	assert_line "grove sync: cloned DefaultCollection/core/web ($HOME/src/127.0.0.1/DefaultCollection/core/web)"
	run paths
	assert_output "/tfs/DefaultCollection/_apis/git/repositories?api-version=7.1"
}

@test "the new back-ends' bounds: a page over 8 MiB is an error naming the server, nothing changed" {
	local f
	origins acme/a
	for f in bitbucket-dc azure; do
		config "$f" '{"acme": {"repos": 1, "names": ["a"]}}' '"faults": [{"huge": 9}]'
		api "$f"
		run grove sync "$f" "$( [ "$f" = azure ] && echo --org || owner "$f")" acme --api-url "$API"
		assert_failure 1
		assert_output --partial "the reply is larger than 8 MiB"
		assert_output --partial "nothing was changed"
		[ ! -e "$HOME/src" ] || fail "$f: something was cloned"
	done
}

# srht_config ACCOUNTS-JSON [MORE-JSON]: sourcehut_api.py's configuration,
# its git below $BATS_TEST_TMPDIR/srht
srht_config() {
	printf '{"token": "s3cret-token", "token_user": "alice", "git_root": "%s", "accounts": %s%s}\n' \
		"$BATS_TEST_TMPDIR/srht" "$1" "${2:+, $2}" >"$CONFIG"
}

# srht_repos OWNER NAME...: bare repositories where git.sr.ht serves them
srht_repos() {
	local owner=$1 n seed="$BATS_TEST_TMPDIR/seed"
	shift
	[ -d "$seed" ] || mkrepo "$seed"
	for n in "$@"; do
		git clone -q --bare "$seed" "$BATS_TEST_TMPDIR/srht/$owner/$n"
	done
}

@test "sourcehut: a user's repositories over GraphQL in pages of 100, clones from the instance's own origin, ~ in the owner" {
	local names
	# shellcheck disable=SC2046
	srht_repos '~alice' $(seq -f 'r%03g' 1 105)
	srht_repos '~bob' notes
	names=$(seq -f '"r%03g"' 1 105 | paste -sd ,)
	srht_config '{"~alice": {"repos": 105, "names": ['"$names"'], "private": 1}, "~bob": {"repos": 1, "names": ["notes"]}}'
	start_sourcehut "$CONFIG"
	export SRHT_TOKEN=s3cret-token
	run grove -v sync sourcehut --api-url "$SRHT_API"
	assert_success
	assert_line "grove sync: finished (105 ok)"
	assert_output --partial "token from SRHT_TOKEN"
	local base=${SRHT_API%/query}
	[ -d "src/127.0.0.1/~alice/r105/.git" ] || fail "r105 not cloned"
	grep -qF "checkout = git clone '$base/~alice/r001' 'r001'" .mrconfig || fail "checkout: $(grep -m1 checkout .mrconfig)"
	# two queries: the first 100, then after the cursor
	run python3 -c 'import json,sys; [print(json.dumps(json.loads(json.loads(l)["query"])["variables"])) for l in open(sys.argv[1])]' "$SRHT_LOG"
	assert_output '{"cursor": null}
{"cursor": "c100"}'
	grep -qF 'filter: {count: 100}' "$SRHT_LOG" || fail "pages of 100 not asked for"
	grep -qF '"authorization": "Bearer s3cret-token"' "$SRHT_LOG" || fail "no Bearer token"
	# unchanged: no fetch, two queries
	: >"$SRHT_LOG"
	run grove -v sync sourcehut --api-url "$SRHT_API"
	assert_success
	[ "$(grep -c "no push upstream since the last sync" <<<"$output")" -eq 105 ] || fail "a re-sync fetched"
	[ "$(wc -l <"$SRHT_LOG")" -eq 2 ] || fail "$(wc -l <"$SRHT_LOG") queries"
	# a query is a POST: nothing of it is kept in the ETag cache
	[ -z "$(find "$XDG_CACHE_HOME" -type f 2>/dev/null)" ] || fail "cached: $(find "$XDG_CACHE_HOME" -type f)"
	# another user's, named with or without its ~
	run grove sync sourcehut --user '~bob' --api-url "$SRHT_API"
	assert_success
	assert_line "grove sync: cloned ~bob/notes ($HOME/src/127.0.0.1/~bob/notes)"
	grep -qF '\"user\":\"bob\"' "$SRHT_LOG" || fail "user(username:) not asked: $(tail -1 "$SRHT_LOG")"
	unset SRHT_TOKEN
}

@test "sourcehut: GraphQL errors, a missing user, a looping cursor, a refused token and hostile names" {
	srht_repos '~alice' good
	srht_config '{"~alice": {"repos": 3, "names": ["good", "..", "-x"]}}'
	start_sourcehut "$CONFIG"
	export SRHT_TOKEN=s3cret-token
	run grove sync sourcehut --api-url "$SRHT_API"
	assert_failure 1
	assert_line "grove sync: cloned ~alice/good ($HOME/src/127.0.0.1/~alice/good)"
	assert_line --partial "grove sync: failed: ~alice/..: not a name SourceHut allows"
	assert_line --partial "grove sync: failed: ~alice/-x: not a name SourceHut allows"
	run grove sync sourcehut --user nobody --api-url "$SRHT_API"
	assert_failure 1
	assert_output --partial "$SRHT_API: no such user"
	assert_output --partial "nothing was changed"
	local fault
	for fault in '{"errors": "query too complex"}' '{"body": "malformed"}' '{"status": 500, "times": 9}' '{"next": "self", "times": 100}'; do
		srht_config '{"~alice": {"repos": 1, "names": ["good"]}}' '"faults": ['"$fault"']'
		run timeout 60 "$GROVE_BIN" sync sourcehut --api-url "$SRHT_API"
		assert_failure 1
		assert_output --partial "nothing was changed"
	done
	assert_output --partial "is a page already read: the listing loops"
	# GraphQL's own message is kept
	srht_config '{"~alice": {"repos": 1, "names": ["good"]}}' '"faults": [{"errors": "the query is too complex"}]'
	run grove sync sourcehut --api-url "$SRHT_API"
	assert_output --partial "$SRHT_API: the query is too complex"
	SRHT_TOKEN=wrong run grove sync sourcehut --api-url "$SRHT_API"
	assert_failure 1
	assert_output --partial "401 bad credentials: the token was refused"
	unset SRHT_TOKEN
}

# refs DIR: every ref of a repository and what it points at
refs() {
	git -C "$1" for-each-ref --format='%(refname) %(objectname)'
}

@test "sync --mirror: bare mirrors of every ref, pruned by update and fetch, checked out again as mirrors" {
	local f tmp="$BATS_TEST_TMPDIR/pusher" m
	origins acme/web
	git clone -q "$ORIGINS/acme/web.git" "$tmp"
	git -C "$tmp" tag v1
	git -C "$tmp" push -q origin v1
	git -C "$ORIGINS/acme/web.git" update-ref refs/pull/1/head main
	for f in github gitlab; do
		git -C "$tmp" push -q -f origin main:feat
		rm -rf "$HOME/src" "$HOME/.mrconfig" "$XDG_STATE_HOME" "$BATS_TEST_TMPDIR/ref.git"
		config "$f" '{"acme": {"repos": 1, "names": ["web"]}}'
		api "$f"
		run grove sync "$f" "$(owner "$f")" acme --api-url "$API" --mirror
		assert_success
		m=src/127.0.0.1/acme/web.git
		assert_line "grove sync: cloned acme/web ($HOME/$m)"
		[ "$(git -C "$m" rev-parse --is-bare-repository)" = true ] || fail "$f: not bare"
		[ "$(git -C "$m" config remote.origin.mirror)" = true ] || fail "$f: not a mirror"
		# what git clone --mirror makes: every ref, pull requests' too
		git clone -q --mirror "$GITBASE/acme/web.git" "$BATS_TEST_TMPDIR/ref.git"
		[ "$(refs "$m")" = "$(refs "$BATS_TEST_TMPDIR/ref.git")" ] || fail "$f: refs $(refs "$m")"
		grep -qF "checkout = git clone --mirror '$GITBASE/acme/web.git' 'web.git'" .mrconfig ||
			fail "$f: checkout: $(grep checkout .mrconfig)"
		# upstream moves, a branch goes: update prunes as git remote update --prune does
		echo "$f" >>"$tmp/a.txt"
		git -C "$tmp" commit -qam "$f"
		git -C "$tmp" push -q origin main
		git -C "$tmp" push -q origin :feat
		run grove update
		assert_success
		git -C "$BATS_TEST_TMPDIR/ref.git" remote update --prune >/dev/null 2>&1
		[ "$(refs "$m")" = "$(refs "$BATS_TEST_TMPDIR/ref.git")" ] || fail "$f: after update: $(refs "$m")"
		git -C "$tmp" push -q origin main:feat
		run grove fetch
		assert_success
		git -C "$BATS_TEST_TMPDIR/ref.git" remote update --prune >/dev/null 2>&1
		[ "$(refs "$m")" = "$(refs "$BATS_TEST_TMPDIR/ref.git")" ] || fail "$f: after fetch: $(refs "$m")"
		# the registry's checkout makes a mirror again
		rm -rf "$m"
		run grove checkout
		assert_success
		[ "$(git -C "$m" config remote.origin.mirror)" = true ] || fail "$f: checkout made no mirror"
		[ "$(refs "$m")" = "$(refs "$BATS_TEST_TMPDIR/ref.git")" ] || fail "$f: after checkout: $(refs "$m")"
	done
}
