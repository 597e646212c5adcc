# The two commands of the README: `make run` and `make test`.
.PHONY: run test install install-test lint format lock bench

run: install
	.venv/bin/python scripts/run.py

test: install-test
	scripts/test

install:
	scripts/bootstrap run

install-test:
	scripts/bootstrap test

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# Re-resolve the hash-pinned lockfiles after editing pyproject.toml.
lock:
	.venv/bin/python -m pip install --quiet uv
	.venv/bin/uv pip compile pyproject.toml --universal --python-version 3.12 \
		--generate-hashes -q -o requirements/run.txt
	.venv/bin/uv pip compile pyproject.toml --extra test --universal \
		--python-version 3.12 --generate-hashes -q -o requirements/test.txt

bench: install-test
	.venv/bin/python bench/catalogue.py
