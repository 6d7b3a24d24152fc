#!/usr/bin/env python3
"""Checks an HTML report of goalsync in headless Chromium, driven by chromedriver through Selenium:
at 1280 px and at 390 px wide, every section is there, nothing scrolls sideways
(document.documentElement.scrollWidth <= window.innerWidth), check-in notes are visible text, the
inline script ran; writes a full-page screenshot per width and the page printed to PDF.

usage: check-html-report.py REPORT.html OUTDIR [SECTION_ID...]
Exit 0 when every check passes; otherwise each failure on its own line and exit 1."""
import base64
import json
import os
import shutil
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

report, outdir = os.path.abspath(sys.argv[1]), sys.argv[2]
sections = sys.argv[3:] or ["vision", "north-star", "active", "key-results", "guardrails", "sprints", "checkins",
                            "frameworks", "goals", "history", "contributors"]
os.makedirs(outdir, exist_ok=True)
failures = []
summary = {}

options = Options()
for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars"]:
    options.add_argument(arg)
profile = tempfile.mkdtemp(prefix="goalsync-chromium-")
options.add_argument("--user-data-dir=" + profile)
for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]:
    if os.path.exists(candidate):
        options.binary_location = candidate
        break
driver_path = next((p for p in ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"] if os.path.exists(p)), None)
if driver_path is None:
    print("chromedriver is not installed: apt-get install -y chromium-driver")
    sys.exit(1)
driver = webdriver.Chrome(service=Service(driver_path), options=options)
driver.set_page_load_timeout(60)
try:
    for name, width in [("desktop", 1280), ("phone", 390)]:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
        driver.get("file://" + report)
        if driver.execute_script("return document.body.dataset.ready") != "1":
            failures.append(f"{name}: the page's inline script did not run")
        inner = driver.execute_script("return window.innerWidth")
        scroll = driver.execute_script("return document.documentElement.scrollWidth")
        if inner != width:
            failures.append(f"{name}: the viewport is {inner} px wide, not {width}")
        if scroll > inner:
            wide = driver.execute_script("""
                return Array.from(document.querySelectorAll('body *'))
                  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className : ''));""")
            failures.append(f"{name}: the page scrolls sideways: scrollWidth {scroll} > innerWidth {inner} ({', '.join(wide)})")
        for section in sections:
            shown = driver.execute_script(
                "const e = document.getElementById(arguments[0]); return !!e && e.getBoundingClientRect().height > 0;", section)
            if not shown:
                failures.append(f"{name}: section #{section} is missing or empty")
        notes = driver.execute_script(
            "return Array.from(document.querySelectorAll('#checkins .note-text')).filter(e => e.offsetParent !== null).length")
        if "checkins" in sections and notes == 0:
            failures.append(f"{name}: no check-in note is visible in #checkins")
        order = driver.execute_script(
            "return Array.from(document.querySelectorAll('main > section')).map(s => s.id)")
        if order and order[0] != "vision":
            failures.append(f"{name}: the page starts with #{order[0]}, not the vision")
        height = min(driver.execute_script("return document.documentElement.scrollHeight"), 12000)
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        shot = os.path.join(outdir, f"report-{name}-{width}.png")
        driver.save_screenshot(shot)
        summary[name] = {"width": inner, "scrollWidth": scroll, "sections": order, "visibleNotes": notes,
                         "screenshot": shot, "bytes": os.path.getsize(shot)}
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False, "preferCSSPageSize": True})
    data = base64.b64decode(pdf["data"])
    path = os.path.join(outdir, "report.pdf")
    with open(path, "wb") as f:
        f.write(data)
    if not data.startswith(b"%PDF"):
        failures.append("printing to PDF did not give a PDF")
    summary["pdf"] = {"path": path, "bytes": len(data)}
finally:
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)

print(json.dumps(summary, indent=2))
for f in failures:
    print("FAIL: " + f)
sys.exit(1 if failures else 0)
