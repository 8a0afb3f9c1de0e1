.PHONY: demo test lint bench i18n i18n-check

demo:  ## run the platform with the Changsha demo city on SQLite
	bash scripts/demo.sh

test:  ## the whole suite: lint, types, layering, pytest on SQLite and PostgreSQL
	bash scripts/test.sh

lint:
	bash scripts/setup.sh && .venv/bin/ruff check src tests bench scripts && .venv/bin/mypy && .venv/bin/lint-imports

bench:
	bash scripts/setup.sh && .venv/bin/python bench/bench_cases.py

i18n:  ## Babel extraction: add new keys to the catalogues (empty, to translate), sort, then check
	bash scripts/setup.sh && .venv/bin/python scripts/i18n.py update && .venv/bin/python scripts/i18n.py check

i18n-check:  ## no key missing, untranslated, fuzzy or obsolete in either language (docs/i18n.md)
	bash scripts/setup.sh && .venv/bin/python scripts/i18n.py check
