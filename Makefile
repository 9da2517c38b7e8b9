# The two commands of the README, plus helpers. Every target installs what it needs.
.PHONY: serve test stop status install doctor bench region docs cluster cluster-status test-cloud

serve:   ## install, start the stack, load demo data, serve http://127.0.0.1:5000 (Ctrl-C stops all)
	bash scripts/serve.sh

test:    ## install, build the docs (--strict), start the stack, run the whole test suite against the real services
	bash scripts/test.sh

docs:    ## build the documentation site into .stack/site (mkdocs --strict; references generated from the code)
	bash scripts/docs.sh

stop:    ## stop everything serve, test or cluster started
	bash scripts/stop.sh
	bash scripts/cluster/down.sh

cluster: ## the portal on two web nodes behind nginx, two workers, a PostgreSQL standby, SolrCloud (docs/cluster.md)
	bash scripts/cluster/up.sh

cluster-status: ## every process of the cluster
	bash scripts/cluster/status.sh

status:  ## what is running
	bash scripts/stack.sh status

install: ## only install (Debian packages, virtualenv, Solr jars)
	bash scripts/install.sh

bench:   ## project vs stock CKAN at city scale (docs/benchmarks.md); options: make bench ARGS="--scale 500"
	bash bench/run.sh $(ARGS)

region:  ## a second local CKAN playing the autonomous-region platform for the cascade demo (docs/cascade.md)
	bash scripts/region.sh

CLOUD_TESTS ?= tests/search tests/access tests/catalog tests/lifecycle/test_catalog_offline.py tests/hardening/test_search_escape.py tests/grading/test_grades.py tests/sharing/test_create.py tests/dcat
test-cloud: ## the search tests against the SolrCloud collection behind HAProxy (docs/cluster-solr.md); ARGS replaces the list
	LIUZHOU_SOLR=cloud bash scripts/test.sh $(or $(ARGS),$(CLOUD_TESTS)) -p no:randomly
