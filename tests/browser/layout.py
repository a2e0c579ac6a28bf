"""Measuring the dashboard's layout in the page: nothing sticks out or is cut off (issue 12).

``overflows`` lists every element of the dashboard whose right edge passes its output area or
the window, every control that sticks out of its parent's box, and every box whose content
is wider than the box (cut off, or scrolled sideways); ``title_overflows`` lists every chart
title or caption line wider than its chart's plot area (bokeh cuts such a line at the edge).
The tests call ``assert_every_tab_fits`` and ``assert_chart_titles_fit``.
"""

from __future__ import annotations

from playwright.sync_api import Page

# Elements hidden visually on purpose (a label kept for screen readers: clipped to 1 px) are
# skipped, as are the bokeh charts' insides (their own canvases, measured by their titles).
OVERFLOWS = """root => {
  const limit = Math.min(root.getBoundingClientRect().right, document.documentElement.clientWidth);
  const px = v => Math.round(v);
  const shown = e => {
    const style = getComputedStyle(e);
    const box = e.getBoundingClientRect();
    return e.getClientRects().length > 0 && style.visibility !== 'hidden' && box.width > 1 && box.height > 1;
  };
  const visuallyHidden = e => {
    for (let x = e; x && x !== root; x = x.parentElement) {
      const style = getComputedStyle(x);
      if ((style.position === 'absolute' && style.clip !== 'auto') || style.clipPath !== 'none') return true;
    }
    return false;
  };
  const name = e => {
    const classes = typeof e.className === 'string' ? e.className.trim().split(/\\s+/).filter(Boolean).slice(0, 2) : [];
    const text = (e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].textContent)
      || e.innerText || e.value || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
    return `<${e.tagName.toLowerCase()}${classes.length ? '.' + classes.join('.') : ''}> "${text}"`;
  };
  const found = [];
  for (const e of root.querySelectorAll('*')) {
    if (!shown(e) || visuallyHidden(e)) continue;
    const box = e.getBoundingClientRect();
    if (box.right > limit + 1) {
      found.push(`${name(e)}: right edge at ${px(box.right)} px, past the output area's ${px(limit)} px`);
    }
    const style = getComputedStyle(e);
    if (['hidden', 'clip', 'auto', 'scroll'].includes(style.overflowX) && e.scrollWidth > e.clientWidth + 1) {
      let widest = null;
      for (const inner of e.querySelectorAll('*')) {
        if (inner.getClientRects().length && (!widest || inner.getBoundingClientRect().right > widest.getBoundingClientRect().right)) widest = inner;
      }
      const what = widest ? `; furthest right: ${name(widest)} at ${px(widest.getBoundingClientRect().right)} px${visuallyHidden(widest) ? ' (hidden)' : ''}` : '';
      found.push(`${name(e)}: content ${e.scrollWidth} px wide in a box ${e.clientWidth} px wide (cut off or scrolled)${what}`);
    }
    if (['INPUT', 'SELECT', 'BUTTON', 'TEXTAREA'].includes(e.tagName) && e.parentElement) {
      const parent = e.parentElement.getBoundingClientRect();
      if (box.right > parent.right + 1 || box.left < parent.left - 1) {
        found.push(`${name(e)}: spans ${px(box.left)}-${px(box.right)} px, out of its parent's ${px(parent.left)}-${px(parent.right)} px`);
      }
    }
  }
  return found;
}"""


def overflows(root) -> list[str]:
    """What sticks out of or is cut off in the dashboard (a locator of its output area)."""
    return root.evaluate(OVERFLOWS)


def assert_every_tab_fits(dashboard) -> None:
    """With each tab of the orders panel open in turn, no element of the dashboard sticks out
    of its output area or the window, no control out of its parent, no box cuts its content."""
    tabs = dashboard.root.locator(".jupyter-widget-tab").first
    titles = [t.strip() for t in tabs.get_by_role("tab").all_inner_texts()]
    assert titles, "no orders tabs found"
    found = {}
    for title in titles:
        dashboard.tab(title)
        dashboard.page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        problems = overflows(dashboard.root)
        if problems:
            found[title] = problems
    dashboard.tab(titles[0])
    width = dashboard.page.viewport_size["width"]
    assert not found, f"at {width} px wide, with the orders tab open:\n" + "\n".join(
        f"  {title}:\n" + "\n".join(f"    {p}" for p in problems[:12]) for title, problems in found.items()
    )


# Each line of each title of each drawn chart (the title above it, the captions below it),
# measured in the title's own font, against the chart's plot area.
TITLE_WIDTHS = """() => {
  const context = document.createElement('canvas').getContext('2d');
  const isTitle = m => m && (m.constructor.__name__ === 'Title' || m.type === 'Title');
  const found = [];
  for (const doc of (window.Bokeh ? window.Bokeh.documents : [])) {
    for (const figure of doc.all_models) {
      if (typeof figure.name !== 'string' || !figure.name.endsWith('_figure') || !('inner_width' in figure)) continue;
      if (!(figure.inner_width > 0)) continue;  // not drawn in this page
      const titles = [figure.title, ...figure.below].filter(isTitle);
      for (const title of titles) {
        context.font = `${title.text_font_style} ${title.text_font_size} ${title.text_font}`;
        for (const line of String(title.text).split('\\n')) {
          found.push({figure: figure.name, line, width: context.measureText(line).width, room: figure.inner_width});
        }
      }
    }
  }
  return found;
}"""


def title_lines(page: Page) -> list[dict]:
    """Every line of every drawn chart's titles: figure, line, its width and the plot area's, in px."""
    return page.evaluate(TITLE_WIDTHS)


def assert_chart_titles_fit(page: Page, charts: tuple[str, ...]) -> None:
    """Every line of every chart title and caption is no wider than its chart's plot area
    (a longer one is cut off at the edge), and each of ``charts`` was measured."""
    lines = title_lines(page)
    measured = {line["figure"] for line in lines}
    missing = [f"{chart}_figure" for chart in charts if f"{chart}_figure" not in measured]
    assert not missing, f"charts without a drawn title: {missing} (measured: {sorted(measured)})"
    cut = [
        f"{line['figure']}: {line['line']!r} is {line['width']:.0f} px, the plot area {line['room']:.0f} px"
        for line in lines
        if line["width"] > line["room"]
    ]
    widest = max(lines, key=lambda line: line["width"] / line["room"])
    print(f"widest title line: {widest['width']:.0f} of {widest['room']:.0f} px ({widest['figure']}: {widest['line']!r})")
    assert not cut, "chart titles cut off at the plot area's edge:\n" + "\n".join(cut)

