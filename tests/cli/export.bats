#!/usr/bin/env bats
# grove export (issue 35): the selected repositories as a registry or a
# vcstool .repos file, paths relative to the folder grove runs in

setup() {
	load helpers
	common_setup
	mkcloned api
	mkcloned web
	git -C src/web checkout -qb dev
	grove register -r src >/dev/null
	grove group add backend src/api >/dev/null
	api_sha=$(git -C src/api rev-parse HEAD)
	web_sha=$(git -C src/web rev-parse HEAD)
}

@test "export: a registry of checkout lines and groups, paths relative to here" {
	cd src
	run grove export
	assert_success
	assert_output "[api]
checkout = git clone '$HOME/remotes/api.git' 'api'
groups = backend

[web]
checkout = git clone '$HOME/remotes/web.git' 'web'"
	# -d is the same as running there
	cd
	run grove -d src export
	assert_output --partial "[api]"
	run grove export
	assert_output --partial "[src/api]"
}

@test "export --pin writes each commit; --branch each branch" {
	cd src
	run grove export --pin
	assert_success
	assert_line "pin = $api_sha"
	assert_line "pin = $web_sha"
	run grove export --branch
	assert_line "pin = main"
	assert_line "pin = dev"
	run grove export --pin --branch
	assert_failure 2
}

@test "export --format repos: vcstool's file, the branch as version, the commit when detached" {
	git -C src/api checkout -q --detach
	cd src
	run grove export --format repos
	assert_success
	assert_output "repositories:
  api:
    type: git
    url: $HOME/remotes/api.git
    version: $api_sha
  web:
    type: git
    url: $HOME/remotes/web.git
    version: dev"
	run grove export --format repos --pin
	assert_line "    version: $web_sha"
	run grove export --format nope
	assert_failure 2
}

@test "export quotes what YAML would read as another type or another structure" {
	git -C src/web checkout -qb 1.10
	git -C src/api checkout -qb yes
	mkcloned 'odd: name'
	grove register "src/odd: name" >/dev/null
	cd src
	run grove export --format repos
	assert_success
	assert_line "    version: '1.10'"
	assert_line "    version: 'yes'"
	assert_line "  'odd: name':"
	assert_line "    url: '$HOME/remotes/odd: name.git'"
}

@test "export refuses what it cannot write down: outside the folder, no remote, no commit" {
	cd src/api
	run grove -a export
	assert_failure 1
	assert_output "grove export: ~/src/web is not in ~/src/api: export from a folder that holds every repository (or -d)"
	cd
	mkrepo src/local
	grove register src/local >/dev/null
	run grove export
	assert_failure 1
	assert_output "grove export: ~/src/local: no remote to clone it from"
}
