# jwt-proxy: the commands a newcomer and CI run. `make help` lists them. Both work on a bare clone:
# scripts/prepare.sh installs (npm ci when package-lock.json changed) and builds (tsc -b when
# sources changed) what they need, and says so in one line.
#   make run    the stack (proxy on HTTP_PORT, default 8080; mock page on MOCK_PORT, default 8081);
#               compose when a Docker engine answers, else both servers natively; Ctrl-C stops it
#   make test   everything CI runs: lint, typecheck, unit tests + coverage, the script tests, the
#               contract and Playwright suites against the compose test stack on free ports
#               (STACK=native: against local servers instead), then the scale step (3 replicas
#               behind nginx, compose only)
# HTTP_PORT, MOCK_PORT and the variables in .env.example pass through from the command line or the
# environment (`make run HTTP_PORT=9090`); `docker compose` also reads .env.

SHELL := /bin/bash
.DEFAULT_GOAL := help
COMPOSE := docker compose
# Every target that needs Docker asks first, so the rest works on machines without an engine.
ENGINE := docker info >/dev/null 2>&1

.PHONY: help prepare build run test up down logs clean

help: ## List the targets
	@echo "Usage: make <target> [HTTP_PORT=8080] [MOCK_PORT=8081] [STACK=compose|native]"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z]+:.*## / {printf "  %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

prepare: ## npm ci when package-lock.json changed, tsc -b when sources changed (run and test do this)
	@bash scripts/prepare.sh all

build: prepare ## prepare, then docker compose build when a Docker engine answers
	@if $(ENGINE); then $(COMPOSE) build --quiet; else echo "No Docker engine answers: skipped 'docker compose build'."; fi

run: ## Run the stack in the foreground until Ctrl-C (compose; both servers natively without an engine)
	@bash scripts/run.sh

test: prepare ## lint, typecheck, unit+coverage, scripts, contract + e2e against a test stack on free ports, scale step
	@bash scripts/stack-test.sh

up: ## Start the compose stack in the background and wait until it is healthy
	$(COMPOSE) up -d --build --wait

down: ## Stop the compose stack (the journal volume is kept; `make clean` removes it)
	$(COMPOSE) down

logs: ## Follow the compose stack's logs
	$(COMPOSE) logs -f

clean: ## Remove build output, coverage, test results, the stacks and their volumes
	@if $(ENGINE); then \
	  $(COMPOSE) down -v --remove-orphans; \
	  $(COMPOSE) -p jwt-proxy-test-$$(pwd | sha256sum | cut -c1-8) --profile test down -v --remove-orphans; \
	  $(COMPOSE) -p jwt-proxy-test-$$(pwd | sha256sum | cut -c1-8)-scale --profile scale down -v --remove-orphans; \
	fi
	rm -rf dist coverage .nyc_output e2e/test-results e2e/playwright-report
