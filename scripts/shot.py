"""Screenshot a page as a given user: python scripts/shot.py --user leader /org/ /tmp/org.png

Needs the site running (bin/run, or `manage.py runserver`) and Debian's chromium. Signs in by
creating a session for the user directly, so it works before the login page is finished.
Use the same DATABASE_URL as the running server.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubureau.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from edubureau.accounts.models import User  # noqa: E402

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("out")
    parser.add_argument("--user")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()
    session_key = None
    if args.user:
        # Django refuses database access inside Playwright's event loop: make the session first.
        user = User.objects.get(username=args.user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        session_key = session.session_key
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": args.width, "height": args.height}, locale="zh-CN")
        if session_key:
            host = args.base.split("//", 1)[1].split(":")[0]
            cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_key, "domain": host, "path": "/"}
            context.add_cookies([cookie])
        page = context.new_page()
        response = page.goto(args.base + args.path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=args.out, full_page=True)
        print(f"{response.status if response else '?'} {args.base + args.path} -> {args.out}")
        browser.close()


if __name__ == "__main__":
    main()
