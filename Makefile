# The only commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SMTP_PORT ?= 1025
REQUIREMENTS := pyproject.toml constraints.txt simulators/requirements.txt simulators/requirements-nodeps.txt
STAMP := $(VENV)/.installed-$(shell cat $(REQUIREMENTS) | cksum | cut -d' ' -f1)
# Demo only: the simulated registry's key for MPP Digital (the real one comes from Dukcapil).
DUKCAPIL_PORT ?= 8100
DUKCAPIL_API_KEY ?= demo-only-dukcapil-key-for-mpp-digital
# Demo only: the simulated SMS/WhatsApp gateway's key for MPP Digital.
GATEWAY_PORT ?= 8030
GATEWAY_API_KEY ?= demo-only-gateway-key-for-mpp-digital
# Demo only: the simulated SISDMK's key for MPP Digital.
SISDMK_PORT ?= 8200
SISDMK_API_KEY ?= demo-only-sisdmk-key-for-mpp-digital
# Demo only: the demo CA's time-stamping authority and OCSP responder (simulators/trust).
TRUST_PORT ?= 8300
# Demo only: the simulated SP4N-LAPOR!'s key for MPP Digital and the secret its callbacks are signed with.
LAPOR_PORT ?= 8400
LAPOR_API_KEY ?= demo-only-lapor-key-for-mpp-digital
LAPOR_WEBHOOK_SECRET ?= whsec_ZGVtby1vbmx5LWxhcG9yLWNhbGxiYWNrLXNlY3JldCE=
# Demo only: the simulated payment network (SNAP): MPP Digital's client key and secret there, and the network's at
# MPP Digital; the RSA keys of both are made under var/paynet.
PAYNET_PORT ?= 8700
PAYNET_CLIENT_KEY ?= mpp-digital-demo
PAYNET_CLIENT_SECRET ?= demo-only-paynet-secret-for-mpp-digital
PAYNET_BANK_CLIENT_KEY ?= bank-kaltimtara-demo
PAYNET_BANK_CLIENT_SECRET ?= demo-only-bank-secret-at-mpp-digital
# Demo only: the simulated PBB-P2 and PDAM back ends of Kota Samarinda.
BILLERS_PORT ?= 8800
BILLERS_API_KEY ?= demo-only-billers-key-for-mpp-digital
# The agency simulator as three agencies' systems (src/mpp/demo/connectors.py has the same demo-only secrets).
IMIGRASI_PORT ?= 8041
KORLANTAS_PORT ?= 8042
POLRI_PORT ?= 8043
CONNECTORS_ENV = MPP_CONNECTOR_POLRI_SKCK_URL=http://127.0.0.1:$(POLRI_PORT)/webhooks/mpp \
	MPP_CONNECTOR_POLRI_SKCK_SECRET=whsec_ZGVtby1vbmx5LXBvbHJpLXdlYmhvb2sta2V5LTAwMDE= \
	MPP_CONNECTOR_IMIGRASI_PASPOR_URL=http://127.0.0.1:$(IMIGRASI_PORT)/webhooks/mpp \
	MPP_CONNECTOR_IMIGRASI_PASPOR_SECRET=whsec_ZGVtby1vbmx5LWltaWdyYXNpLXdlYmhvb2stazAwMDE= \
	KORLANTAS_WEBHOOK_SECRET=whsec_ZGVtby1vbmx5LWtvcmxhbnRhcy13ZWJob29rLTAwMDE= \
	POLRI_CLIENT_SECRET=demo-only-polri-client-secret-for-mpp-digital \
	IMIGRASI_CLIENT_SECRET=demo-only-imigrasi-client-secret-for-mpp-digital \
	KORLANTAS_CLIENT_SECRET=demo-only-korlantas-client-secret-for-mpp-digital \
	KORLANTAS_PORTAL_SECRET=demo-only-korlantas-portal-secret-for-mpp-digital \
	POLRI_PORT=$(POLRI_PORT) IMIGRASI_PORT=$(IMIGRASI_PORT) KORLANTAS_PORT=$(KORLANTAS_PORT)

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run serve test test-unit test-browser lint fmt migrations messages bench cluster cluster-stop \
	cluster-status backup restore-check drills clean

$(STAMP): $(REQUIREMENTS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m pip install --quiet -c constraints.txt -r simulators/requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -r simulators/requirements-nodeps.txt
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# Demo on SQLite under var/: migrate, load reference and demo data, serve with the task worker.
run: install
	@mkdir -p var
	DEBUG=true MPP_DEMO_MODE=true $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=true MPP_DEMO_MODE=true $(BIN)/python manage.py load_regions
	DEBUG=true MPP_DEMO_MODE=true $(BIN)/python manage.py seed_catalog
	DEBUG=true MPP_DEMO_MODE=true $(BIN)/python manage.py seed_onboarding
	DEBUG=true MPP_DEMO_MODE=true $(BIN)/python manage.py create_demo_ca --services-url http://127.0.0.1:$(TRUST_PORT)
	DEBUG=true MPP_DEMO_MODE=true $(BIN)/python manage.py seed_demo --korlantas-url http://127.0.0.1:$(KORLANTAS_PORT)
	DEBUG=true MPP_DEMO_MODE=true $(BIN)/python manage.py seed_sso_demo
	DEBUG=true MPP_DEMO_MODE=true $(BIN)/python manage.py seed_surveys
	DEBUG=true MPP_DEMO_MODE=true $(BIN)/python manage.py rebuild_statistics
	DEBUG=true MPP_DEMO_MODE=true $(BIN)/python manage.py rebuild_surveys
	DEBUG=true MPP_DEMO_MODE=true $(BIN)/python manage.py schedule_clock
	$(BIN)/python -m simulators.dukcapil seed --persons 100000 --seed 42 --db var/dukcapil.sqlite3
	$(BIN)/python -m simulators.dukcapil add-institution --db var/dukcapil.sqlite3 --name "MPP Digital" \
		--fields all --quota 100000 --key "$(DUKCAPIL_API_KEY)"
	$(BIN)/python -m simulators.sisdmk seed --db var/sisdmk.sqlite3 --dukcapil-db var/dukcapil.sqlite3 --seed 42
	$(BIN)/python -m simulators.sisdmk add-client --db var/sisdmk.sqlite3 --name "MPP Digital" \
		--api-key "$(SISDMK_API_KEY)"
	$(BIN)/python -m simulators.gateway add-client --db var/gateway.sqlite3 --name "MPP Digital" \
		--api-key "$(GATEWAY_API_KEY)"
	$(BIN)/python -m simulators.paynet keys --dir var/paynet
	@echo "MPP Digital: http://127.0.0.1:$(PORT)/  (Ctrl-C stops everything)"
	DEBUG=true MPP_DEMO_MODE=true MPP_PORT=$(PORT) MPP_SMTP_PORT=$(SMTP_PORT) EMAIL_PORT=$(SMTP_PORT) \
		DUKCAPIL_PORT=$(DUKCAPIL_PORT) DUKCAPIL_URL=http://127.0.0.1:$(DUKCAPIL_PORT) \
		DUKCAPIL_API_KEY="$(DUKCAPIL_API_KEY)" DUKCAPIL_DB=var/dukcapil.sqlite3 DUKCAPIL_ADMIN_TOKEN=demo-admin \
		GATEWAY_PORT=$(GATEWAY_PORT) GATEWAY_DB=var/gateway.sqlite3 GATEWAY_ADMIN_TOKEN=demo-admin \
		SISDMK_PORT=$(SISDMK_PORT) SISDMK_DB=var/sisdmk.sqlite3 SISDMK_ADMIN_TOKEN=demo-admin \
		SISDMK_URL=http://127.0.0.1:$(SISDMK_PORT) SISDMK_API_KEY="$(SISDMK_API_KEY)" \
		SMS_GATEWAY_URL=http://127.0.0.1:$(GATEWAY_PORT) SMS_GATEWAY_API_KEY="$(GATEWAY_API_KEY)" \
		TRUST_PORT=$(TRUST_PORT) TRUST_CA_DIR=var/signing TRUST_DB=var/trust.sqlite3 TRUST_ADMIN_TOKEN=demo-admin \
		LAPOR_PORT=$(LAPOR_PORT) LAPOR_DB=var/lapor.sqlite3 LAPOR_ADMIN_TOKEN=demo-admin \
		LAPOR_CALLBACK_URL=http://127.0.0.1:$(PORT)/api/v1/lapor/callbacks \
		LAPOR_URL=http://127.0.0.1:$(LAPOR_PORT) LAPOR_API_KEY="$(LAPOR_API_KEY)" \
		LAPOR_WEBHOOK_SECRET="$(LAPOR_WEBHOOK_SECRET)" \
		DOCUMENT_SIGNING_TSA_URL=http://127.0.0.1:$(TRUST_PORT)/tsa \
		PAYNET_PORT=$(PAYNET_PORT) PAYNET_DB=var/paynet.sqlite3 PAYNET_ADMIN_TOKEN=demo-admin \
		PAYNET_URL=http://127.0.0.1:$(PAYNET_PORT) PAYNET_PLATFORM_URL=http://127.0.0.1:$(PORT) \
		PAYNET_CLIENT_KEY="$(PAYNET_CLIENT_KEY)" PAYNET_CLIENT_SECRET="$(PAYNET_CLIENT_SECRET)" \
		PAYNET_BANK_CLIENT_KEY="$(PAYNET_BANK_CLIENT_KEY)" PAYNET_BANK_CLIENT_SECRET="$(PAYNET_BANK_CLIENT_SECRET)" \
		PAYNET_PRIVATE_KEY_FILE=var/paynet/platform-private.pem PAYNET_BANK_PUBLIC_KEY_FILE=var/paynet/network-public.pem \
		PAYNET_PLATFORM_PUBLIC_KEY_FILE=var/paynet/platform-public.pem \
		PAYNET_NETWORK_PRIVATE_KEY_FILE=var/paynet/network-private.pem \
		BILLERS_PORT=$(BILLERS_PORT) BILLERS_DB=var/billers.sqlite3 BILLERS_ADMIN_TOKEN=demo-admin \
		BILLERS_URL=http://127.0.0.1:$(BILLERS_PORT) BILLERS_API_KEY="$(BILLERS_API_KEY)" \
		SITE_URL=http://127.0.0.1:$(PORT) $(CONNECTORS_ENV) \
		PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations: install
	DEBUG=true DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	cd src/mpp && DEBUG=true ../../$(BIN)/python ../../manage.py makemessages -l en --no-obsolete --no-location
	cd src/mpp && DEBUG=true ../../$(BIN)/python ../../manage.py compilemessages -l en

test-unit: install
	$(BIN)/pytest -n auto -m "not browser" -q

# Browser tests need axe-core from npm and Debian's chromium; without them they skip (never in CI).
test-browser: install
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: browser tests will be skipped (apt-get install nodejs npm chromium)"; fi
	$(BIN)/pytest -m browser -q

test: lint migrations test-unit test-browser

# Production-like benchmark: granian, PostgreSQL, DEBUG off; writes docs/BENCHMARKS.md.
bench: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python bench/run.py

# A production-like topology on this machine (deploy/cluster/README.md): haproxy on 127.0.0.1:8500 in front of two
# granian nodes, a PostgreSQL primary and streaming replica of its own, workers and simulators; state in var/cluster.
cluster: install
	sh deploy/cluster/install-packages.sh
	$(BIN)/python deploy/cluster/cluster.py start

cluster-stop:
	$(BIN)/python deploy/cluster/cluster.py stop

cluster-status:
	$(BIN)/python deploy/cluster/cluster.py status

# Backups of the cluster's primary (deploy/backup/README.md): a base backup into var/cluster/backups/<UTC time>, and
# its restore into a fresh PostgreSQL on 127.0.0.1:5444 from the WAL archive, checked against the live primary.
backup: install
	$(BIN)/python deploy/backup/backup.py backup

restore-check: install
	$(BIN)/python deploy/backup/backup.py restore-check

# Fault drills against the running cluster (deploy/drills/drills.py; starts it if needed): all, or DRILL=app-node.
drills: install
	$(BIN)/python deploy/drills/drills.py $(DRILL)

clean:
	rm -rf $(VENV) var node_modules
