#!/usr/bin/python3
"""goalsync serve in a real browser: headless Chromium driven by chromedriver (Debian's
chromium-driver, python3-selenium).

    serve_e2e.py GOALSYNC REPO SHOTS

Starts `GOALSYNC -C REPO serve --port 0` (the environment is passed on: identity, GOALSYNC_TODAY),
opens the address it prints at a phone's width (390 px), and does a goal's life in the page: create
a goal, add a key result, record a check-in, propose and activate it, see it on the overview. Then a
teammate's command changes the goal underneath and the open page shows it without a reload by hand.
Screenshots go to SHOTS. Prints `e2e: N passed, 0 failed` and exits 0, or says what failed and exits 1.
"""
import os
import selectors
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

GOALSYNC, REPO, SHOTS = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(SHOTS, exist_ok=True)
for old in os.listdir(SHOTS):
    if old.endswith(".png"):
        os.remove(os.path.join(SHOTS, old))
passed = 0


def check(name, condition):
    global passed
    if not condition:
        raise AssertionError(name)
    passed += 1
    print(f"ok: {name}", flush=True)


def start_server():
    proc = subprocess.Popen([GOALSYNC, "-C", REPO, "serve", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not sel.select(timeout=deadline - time.monotonic()):
            break
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("goalsync serve: http://"):
            return proc, line.split(": ", 1)[1].strip()
    proc.kill()
    raise AssertionError("goalsync serve printed no address: " + proc.stderr.read())


def main():
    # The team's vision and North Star, set from the terminal: the overview leads with them.
    for args in (["vision", "--set", "vision=Every new workspace gets its team on board in its first week",
                  "--set", "strategy=Win admins of small teams first",
                  "--set", "north_star.name=Weekly active teams", "--set", "north_star.unit=teams",
                  "--set", "north_star.baseline=800", "--set", "north_star.target=2000"],
                 ["vision", "checkin", "1240", "--note", "Invite flow live for 20% of signups"]):
        done = subprocess.run([GOALSYNC, "-C", REPO] + args, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise AssertionError(f"goalsync {' '.join(args)}: {done.stderr}")
    server, url = start_server()
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=390,1400"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # The sync page reloads itself when a sync ends: reading the page while it reloads is retried.
    wait = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException, WebDriverException))
    try:
        def shot(name):
            driver.save_screenshot(os.path.join(SHOTS, name + ".png"))

        def submit(form_selector, fields, button_text=None):
            form = driver.find_element(By.CSS_SELECTOR, form_selector)
            for name, value in fields.items():
                el = form.find_element(By.NAME, name)
                if el.tag_name == "select":
                    el.find_element(By.CSS_SELECTOR, f"option[value='{value}']").click()
                else:
                    el.clear()
                    el.send_keys(value)
            buttons = form.find_elements(By.CSS_SELECTOR, "button[type=submit]")
            button = next(b for b in buttons if button_text is None or b.text == button_text)
            old = driver.find_element(By.TAG_NAME, "body")
            button.click()
            wait.until(EC.staleness_of(old))

        driver.get(url)
        check("the token address opens the overview", "No goal is active" in driver.page_source)
        check("the token left the address bar", "token=" not in driver.current_url)
        shot("01-empty-overview")

        driver.find_element(By.LINK_TEXT, "New goal").click()
        submit("form[data-form=new]", {"title": "Raise new-admin activation from 30% to 50%", "id": "activation",
                                       "persona": "Admins of new workspaces"})
        check("the new goal's page opens", "/goals/activation" in driver.current_url and "Saved: commit" in driver.page_source)
        shot("02-new-goal")

        submit("form[data-form=metric]", {"id": "activation", "name": "Activated workspaces", "unit": "percent",
                                          "baseline": "30", "target": "50"})
        check("the key result is added", "Activated workspaces" in driver.page_source)
        submit("form[data-form=checkin]", {"value": "34", "confidence": "on_track", "note": "Invite step live for 20%"})
        check("the check-in is recorded", "Invite step live for 20%" in driver.page_source)
        submit("form[data-form=status]", {}, "Propose to the team")
        check("the goal is proposed", "s-proposed" in driver.page_source)
        submit("form[action$='/activate']", {}, "Activate")
        check("the goal is active", "s-active" in driver.page_source)
        shot("03-goal-page")

        driver.find_element(By.LINK_TEXT, "Overview").click()
        wait.until(EC.presence_of_element_located((By.TAG_NAME, "h1")))
        page = driver.page_source
        check("the overview shows the active goal", "Raise new-admin activation from 30% to 50%" in page)
        check("the overview shows the key result's progress", "Activated workspaces" in page and "20%" in page)
        check("the overview shows the check-in", "Invite step live for 20%" in page)
        check("the overview leads with the vision and the North Star",
              0 <= page.find("Every new workspace gets its team") < page.find("Weekly active teams") < page.find("Raise new-admin activation"))
        shot("04-overview")

        env = dict(os.environ)
        done = subprocess.run([GOALSYNC, "-C", REPO, "set", "activation", "title", "Raise new-admin activation to 55%"],
                              env=env, capture_output=True, text=True, timeout=60)
        check("a teammate's command changes the goal", done.returncode == 0)
        wait.until(lambda d: "Raise new-admin activation to 55%" in d.page_source)
        check("the open page shows the change without a reload by hand", True)
        shot("05-overview-after-cli-edit")

        # A teammate's clone changes the same field; the page's own edit then conflicts on Sync.
        base = os.path.dirname(REPO)
        remote, ben = os.path.join(base, "remote.git"), os.path.join(base, "ben")
        ben_env = dict(env, GIT_AUTHOR_NAME="Ben Ode", GIT_AUTHOR_EMAIL="ben@example.com",
                       GIT_COMMITTER_NAME="Ben Ode", GIT_COMMITTER_EMAIL="ben@example.com")
        for cmd, cmd_env in ((["git", "init", "-q", "--bare", "-b", "main", remote], env),
                             (["git", "-C", REPO, "remote", "add", "origin", remote], env),
                             ([GOALSYNC, "-C", REPO, "push"], env),
                             ([GOALSYNC, "clone", remote, ben], ben_env),
                             ([GOALSYNC, "-C", ben, "set", "activation", "title", "Raise new-admin activation to 60%"], ben_env),
                             ([GOALSYNC, "-C", ben, "push"], ben_env)):
            done = subprocess.run(cmd, env=cmd_env, capture_output=True, text=True, timeout=120)
            if done.returncode != 0:
                raise AssertionError(f"{' '.join(cmd)}: {done.stderr}")
        driver.get(url.split("?", 1)[0] + "goals/activation")
        submit("form[data-form=fields]", {"title": "Raise new-admin activation to 58%"})
        check("the page saves its own edit", "Saved: commit" in driver.page_source)
        driver.find_element(By.LINK_TEXT, "Sync").click()
        wait.until(EC.presence_of_element_located((By.ID, "sync-progress")))
        submit("form[action='/sync']", {}, "Sync")
        wait.until(lambda d: "conflict to settle" in d.page_source)
        page = driver.page_source
        check("the conflict shows ours, theirs and who wrote each",
              "to 58%" in page and "to 60%" in page and "by Ben Ode" in page)
        shot("06-sync-conflict")
        submit("form[action='/sync/resolve']", {}, "Take theirs")
        check("the conflict is settled in the page", "settled: theirs" in driver.page_source)
        submit("form[action='/sync/continue']", {}, "Finish the pull")
        check("the pull is finished", "The pull is finished" in driver.page_source)
        submit("form[action='/sync']", {}, "Sync")
        wait.until(lambda d: "Pushed" in d.page_source or "Sync failed" in d.page_source)
        check("the merge is pushed", "Pushed" in driver.page_source)
        shot("07-synced")
    except Exception:
        driver.save_screenshot(os.path.join(SHOTS, "failure.png"))
        text = driver.find_element(By.TAG_NAME, "body").text
        print(f"at {driver.current_url}: {text[:600]!r}", flush=True)
        raise
    finally:
        driver.quit()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


try:
    main()
except Exception as e:  # one line saying what failed, then the closing line
    print(f"FAILED: {type(e).__name__}: {e}", flush=True)
    print(f"e2e: {passed} passed, 1 failed")
    sys.exit(1)
print(f"e2e: {passed} passed, 0 failed")
