"""The documentation site, as a reader's browser shows it (headless Chromium).

The site is the output of the one build command (warnings are errors)::

    sphinx-build -W -b html docs docs/_build/html

which ``.ci/run`` runs before the tests. Here, when ``docs/_build/html`` holds
no build, the fixture runs that command (outside CI; under ``CI=true`` a
missing build is a failure, since CI builds it first). The pages are served
from ``127.0.0.1`` (as a reader's local server would; fonts are not loaded
from ``file://`` URLs) and opened in Debian's ``chromium``: the landing page,
the statements page and a notebook page must render with their content, every
formula must be typeset by MathJax (no raw ``$...$``, ``\\(`` or ``\\[`` left in
the text a reader sees), no page may load anything from the network, and no
internal link may be broken. Screenshots go to ``docs/_build/screenshots``.

Without ``chromium`` the browser tests are skipped, except under ``CI=true``,
where a missing browser fails them.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "docs" / "_build" / "html"
SHOTS = ROOT / "docs" / "_build" / "screenshots"
BUILD = [sys.executable, "-m", "sphinx", "-W", "-b", "html", "docs", "docs/_build/html"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
#: Pages opened in the browser, with a text each must show once rendered.
PAGES = {
    "index.html": "puts the convergence theory",
    "statements.html": "O(1/k) + O(lambda) rate at fixed lambda",
    "generated/notebooks/01_one_dimension.html": "cobweb",
}
#: Milliseconds of (virtual) time Chromium gives a page's scripts (MathJax) to finish.
SCRIPT_BUDGET_MS = 20000
#: Seconds one Chromium run may take before the test fails.
BROWSER_TIMEOUT = 180


@pytest.fixture(scope="module")
def site() -> Path:
    """The built site (built here when missing, outside CI)."""
    if not (SITE / "index.html").exists():
        if IN_CI:
            pytest.fail(f"no documentation build in {SITE}: .ci/run builds it before the tests")
        subprocess.run(BUILD, cwd=ROOT, check=True)
    return SITE


@pytest.fixture(scope="module")
def chromium() -> str:
    """Path of the Chromium executable (skip when absent, fail when absent under CI)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if IN_CI:
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def served(site):
    """Base URL of a local HTTP server (127.0.0.1, a free port) serving the site."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no access log in the test output
        pass


def _browse(chromium: str, url: str, *extra: str) -> subprocess.CompletedProcess:
    """Run headless Chromium on ``url`` with ``extra`` flags."""
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--no-first-run", "--hide-scrollbars", f"--virtual-time-budget={SCRIPT_BUDGET_MS}",
           "--window-size=1280,1600", *extra, url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=BROWSER_TIMEOUT)
    assert done.returncode == 0, f"chromium failed on {url}: {done.stderr[-2000:]}"
    return done


class _Page(html.parser.HTMLParser):
    """Visible text, links, loaded resources, ids and MathJax's marks of one HTML page."""

    HIDDEN = frozenset({"script", "style", "noscript", "template", "head"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.loads: list[str] = []
        self.ids: set[str] = set()
        self.classes: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden += 1
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if a.get("class"):
            self.classes += a["class"].split()
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("script", "img", "iframe") and a.get("src"):
            self.loads.append(a["src"])
        if tag == "link" and a.get("href") and a.get("rel") in ("stylesheet", "preload", "icon"):
            self.loads.append(a["href"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def _parse(markup: str) -> _Page:
    page = _Page()
    page.feed(markup)
    return page


def _external(url: str) -> bool:
    return bool(urlsplit(url).scheme or url.startswith("//"))


#: Raw TeX a reader must never see: $...$, \( \), \[ \] or a TeX command.
RAW_TEX = re.compile(r"\$[^$\s][^$]*\$|\\\(|\\\)|\\\[|\\\]|\\(frac|lambda|mathbb|sqrt|lVert)\b")


@pytest.mark.parametrize("page", list(PAGES), ids=lambda p: Path(p).stem)
def test_page_renders_with_typeset_formulas(page, served, chromium):
    SHOTS.mkdir(parents=True, exist_ok=True)
    url = served + page
    dom = _parse(_browse(chromium, url, "--dump-dom").stdout)
    assert PAGES[page] in dom.visible, f"{page}: expected text missing after rendering"
    assert "MathJax" in " ".join(dom.classes), f"{page}: MathJax typeset no formula"
    assert not {"merror", "MathJax_Error"} & set(dom.classes), f"{page}: a formula failed"
    raw = RAW_TEX.findall(dom.visible)
    assert not raw, f"{page}: untypeset TeX in the rendered text: {raw[:5]}"
    shot = SHOTS / (Path(page).stem + ".png")
    shot.unlink(missing_ok=True)
    _browse(chromium, url, f"--screenshot={shot}")
    assert shot.stat().st_size > 10_000, f"{page}: the screenshot is (nearly) empty"


def test_notebook_page_shows_outputs(site):
    page = _parse((site / "generated/notebooks/01_one_dimension.html").read_text())
    assert "cell_output" in page.classes, "the notebook page carries no executed output"
    assert any(src.endswith(".png") or src.startswith("data:image") for src in page.loads), \
        "the notebook page shows no figure"


def _html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def test_nothing_is_loaded_from_the_network(site):
    remote = {}
    for path in _html_files(site):
        loads = [u for u in _parse(path.read_text()).loads if _external(u)
                 and not u.startswith("data:")]
        if loads:
            remote[str(path.relative_to(site))] = loads
    assert not remote, f"pages load resources from the network: {remote}"


def test_no_internal_link_is_broken(site):
    pages = _html_files(site)
    assert len(pages) > 20, "the site has fewer pages than its toctree promises"
    ids: dict[Path, set[str]] = {}
    broken = []
    for path in pages:
        for href in _parse(path.read_text()).links:
            if _external(href) or href.startswith(("mailto:", "javascript:")):
                continue
            parts = urlsplit(href)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(site)} -> {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = _parse(target.read_text()).ids
                if unquote(parts.fragment) not in ids[target]:
                    broken.append(f"{path.relative_to(site)} -> {href} (no such anchor)")
    assert not broken, f"{len(broken)} broken internal links: {broken[:20]}"


def test_link_check_finds_a_broken_link(tmp_path):
    """The checker above fails on a dead link and a dead anchor (it can fail)."""
    (tmp_path / "a.html").write_text('<a href="b.html#here">b</a><a href="gone.html">x</a>')
    (tmp_path / "b.html").write_text('<p id="elsewhere">b</p>')
    for i in range(21):
        (tmp_path / f"p{i}.html").write_text("<p>page</p>")
    with pytest.raises(AssertionError, match="2 broken internal links"):
        test_no_internal_link_is_broken(tmp_path)


def test_raw_tex_pattern():
    """The untypeset-TeX pattern catches what MathJax would leave and passes plain prices."""
    for raw in ("$x^2$", r"\(x\)", r"\[x\]", r"a \frac b"):
        assert RAW_TEX.search(raw), raw
    assert not RAW_TEX.search("costs $ 5 and $ 6, x* = 1, ||x||")
