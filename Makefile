# jwt-proxy: the commands a newcomer and CI run. `make help` lists them.
#   make run    the stack (proxy on HTTP_PORT, default 8080; mock page on MOCK_PORT, default 8081)
#   make test   everything CI runs: lint, typecheck, unit tests + coverage, contract and Playwright
#               suites against the compose stack (STACK=native: against local servers instead)
# HTTP_PORT, MOCK_PORT and the variables in .env.example pass through from the command line or the
# environment (`make run HTTP_PORT=9090`); `docker compose` also reads .env.

SHELL := /bin/bash
.DEFAULT_GOAL := help
COMPOSE := docker compose
# Every target that needs Docker asks first, so the rest works on machines without an engine.
ENGINE := docker info >/dev/null 2>&1

.PHONY: help build run test up down logs clean

help: ## List the targets
	@echo "Usage: make <target> [HTTP_PORT=8080] [MOCK_PORT=8081] [STACK=compose|native]"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z]+:.*## / {printf "  %-7s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## npm ci + tsc; also docker compose build when a Docker engine answers
	npm ci
	npm run build
	@if $(ENGINE); then $(COMPOSE) build; else echo "No Docker engine answers: skipped 'docker compose build'."; fi

run: ## Run the stack in the foreground (compose; both servers natively when no engine answers)
	@if $(ENGINE); then \
	  $(COMPOSE) up --build; \
	else \
	  echo "No Docker engine answers (docker info failed): starting both servers natively instead."; \
	  npm run build && bash scripts/stack-native.sh run; \
	fi

test: ## lint, typecheck, unit+coverage, then contract + e2e suites against the stack (torn down after)
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
	  $(COMPOSE) -p jwt-proxy-test --profile test down -v --remove-orphans; \
	fi
	rm -rf dist coverage .nyc_output e2e/test-results e2e/playwright-report
