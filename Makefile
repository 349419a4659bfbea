# Two commands for a newcomer: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: system-packages setup demo test test-fast lint run check bench bench-quick bench-soak messages screenshots browser clean

# Debian packages the project needs: mat2's libraries (Poppler, GdkPixbuf, cairo, and the
# headers PyGObject builds against), ffmpeg (mat2 cleans video with it) and exiftool (the
# tests' independent check that files carry no metadata). Installed when missing.
DEBIAN_PACKAGES := pkg-config libcairo2-dev libgirepository1.0-dev gir1.2-poppler-0.18 \
	gir1.2-gdkpixbuf-2.0 gir1.2-rsvg-2.0 ffmpeg libimage-exiftool-perl libarchive-zip-perl

$(BIN)/fieldrelay: pyproject.toml
	$(MAKE) system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/fieldrelay

setup: $(BIN)/fieldrelay

system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		echo "Installing Debian packages: $$missing"; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
			$$missing; \
	fi

demo: setup
	$(BIN)/fieldrelay demo

test: setup
	$(BIN)/pytest -q

# Everything but the slow tests (crashes, replication, the browser): for the edit-test loop.
test-fast: setup
	$(BIN)/pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot handlers storage sandbox tests

# The benchmark suite against the sandbox: a few minutes (full) or under a minute (quick).
bench: setup
	$(BIN)/python -m bench.run

# The quick run (CI) keeps its numbers outside the tracked bench/results.json.
bench-quick: setup
	$(BIN)/python -m bench.run --quick --out .bench-quick.json

# Ten minutes of steady traffic, watching the bot's memory.
bench-soak: setup
	$(BIN)/python -m bench.run soak

# Refresh the message catalogues after changing a text marked N_(...) in bot/texts.py:
# the template from the code, then each language's catalogue from the template.
messages: setup
	$(BIN)/pybabel extract --width 100 --no-location --sort-output --project "Field Relay" --version 0.1.0 -k N_ -o bot/locales/fieldrelay.pot bot
	$(BIN)/pybabel update --width 100 -i bot/locales/fieldrelay.pot -d bot/locales -D fieldrelay --no-fuzzy-matching

# The browser test opens the live blog in Debian's Chromium (apt-get; root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
			chromium fonts-noto-core fonts-dejavu-core; }

# The README's screenshots of the live blog: the demo's site, at phone and desktop width.
screenshots: setup browser
	$(BIN)/fieldrelay demo >/dev/null
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=390,1600 \
		--screenshot=docs/live-blog-phone.png "file://$(CURDIR)/demo-site/story-1/index.html"
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1200 \
		--screenshot=docs/live-blog-desktop.png "file://$(CURDIR)/demo-site/story-1/index.html"

run: setup
	$(BIN)/fieldrelay run

check: setup
	$(BIN)/fieldrelay check

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info demo-site
