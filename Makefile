# One entry point for everyday work. `python3 dev.py run|test` needs nothing but Python.
PY := .venv/bin/python

.PHONY: run test test-pg lint format check messages ci bench

run:
	python3 dev.py run

test:
	python3 dev.py test

test-pg:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/15 $(PY) -m pytest -n auto --maxprocesses 16

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/mypy

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

check:
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

messages:
	$(PY) manage.py makemessages -l kk -l ru -l en --no-location --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv
	$(PY) manage.py make_latin_catalogue

lock:
	.venv/bin/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host -o requirements.lock pyproject.toml

ci:
	bash .ci/run
