"""What browser tests assert with: axe-core, screenshots and page width.

- ``axe_violations(page)``: axe-core's violations on the page, serious or worse.
- ``assert_accessible(page)``: fails listing each violation and the elements at fault.
- ``screenshot(page, name)``: saves ``test-artifacts/screenshots/<name>.png``.
- ``assert_fits(page)``: fails when the page scrolls sideways.
- ``each_width(page)``: yields "desktop" then "phone" with the page resized to each.
- ``check_layouts(page, name)``: at desktop and phone width, asserts the page fits
  and saves ``<name>-desktop.png`` and ``<name>-phone.png``.
"""

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

AXE_SCRIPT = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = settings.BASE_DIR / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page, *, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """Run axe-core on the page; return its violations with one of ``impacts``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # From a same-origin URL answered by Playwright: the pages' CSP
        # (script-src 'self') refuses the inline script add_script_tag(path=) writes.
        url = "/__axe-core__/axe.min.js"
        page.route(f"**{url}", lambda route: route.fulfill(path=AXE_SCRIPT))
        try:
            page.add_script_tag(url=url)
        finally:
            page.unroute(f"**{url}")
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in impacts]


def describe_violations(violations: list[dict]) -> str:
    """One line per rule broken, then the elements breaking it."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(node['target'])}: {summary}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core found accessibility violations on {page.url}:\n"
        + describe_violations(violations)
    )


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_fits(page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    scroll_width, viewport_width = widths
    assert scroll_width <= viewport_width, (
        f"{page.url} scrolls sideways at {viewport_width}px: "
        f"its content is {scroll_width}px wide"
    )


def each_width(page) -> Iterator[str]:
    """Resize the page to desktop, then phone width; restore its size after."""
    original = page.viewport_size
    for label, size in WIDTHS.items():
        page.set_viewport_size(size)
        yield label
    page.set_viewport_size(original)


def check_layouts(page, name: str) -> None:
    """Assert the page fits desktop and phone widths; screenshot both."""
    for label in each_width(page):
        assert_fits(page)
        screenshot(page, f"{name}-{label}")
