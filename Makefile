.PHONY: demo test lint bench

demo:  ## run the platform with the Changsha demo city on SQLite
	bash scripts/demo.sh

test:  ## the whole suite: lint, types, layering, pytest on SQLite and PostgreSQL
	bash scripts/test.sh

lint:
	bash scripts/setup.sh && .venv/bin/ruff check src tests bench scripts && .venv/bin/mypy && .venv/bin/lint-imports

bench:
	bash scripts/setup.sh && .venv/bin/python bench/bench_cases.py
