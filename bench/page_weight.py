"""Page weight of the home page as a phone downloads it: HTML, CSS, JS and fonts, each gzip-compressed.

    python bench/page_weight.py [--path /] [--no-setup] [--full-bundle]

Fetches the page through Django's test Client (migrating and loading the demo content into DATABASE_URL
first, unless --no-setup), follows every stylesheet (<link rel=stylesheet>, also media=print: browsers fetch
those too), script (<script src>), preloaded font and the @import/url() fonts inside the CSS, compresses each
with Python's gzip at level 6 (what a web server's gzip sends), and prints a table and the total. Images, the
favicon and map tiles are left out, as issue 2 says. Aim: at most 100 KB.

--full-bundle also prints what the same page weighed with the complete NL Design System bundles
(@utrecht/component-library-css dist/index.css and the example theme's tokens,
@nl-design-system-unstable/voorbeeld-design-tokens dist/theme.css, without our own few tokens) in place of
the generated site/static/css/nlds-*.css files (see scripts/build_css.py), i.e. the weight without that step.
"""

import argparse
import gzip
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import setup_demo, site_client  # noqa: E402  (sets up Django)

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402

AIM_KB = 100
FONT_EXTENSIONS = (".woff2", ".woff", ".ttf", ".otf", ".eot")
FULL_BUNDLE = {
    "css/nlds-components.css": "vendor/@utrecht/component-library-css/dist/index.css",
    "css/nlds-tokens.css": "vendor/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css",
}


class Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []  # (kind, url, note)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        rel = (a.get("rel") or "").lower().split()
        if tag == "link" and "stylesheet" in rel and a.get("href"):
            self.found.append(("css", a["href"], f"media={a['media']}" if a.get("media") else ""))
        elif tag == "link" and "preload" in rel and a.get("as") == "font" and a.get("href"):
            self.found.append(("font", a["href"], "preload"))
        elif tag == "script" and a.get("src"):
            self.found.append(("js", a["src"], "defer" if "defer" in a else ""))


def gzip_size(data):
    return len(gzip.compress(data, compresslevel=6))


def fetch(client, url):
    """Bytes of a URL of the site: static files from the finders (as collectstatic would), the rest via the Client."""
    path = urlsplit(url).path
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path[len(settings.STATIC_URL):])
        if found is None:
            raise SystemExit(f"page_weight: {url} is linked but not found (run `make node` for the generated CSS?)")
        return Path(found).read_bytes()
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"page_weight: {url} answered {response.status_code}")
    return b"".join(response.streaming_content) if response.streaming else response.content


def css_references(css, base_url):
    """@import'ed stylesheets and font files a stylesheet refers to (images are left out)."""
    text = css.decode("utf-8", errors="replace")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    imports = re.findall(r"@import\s+(?:url\()?\s*['\"]?([^'\")\s;]+)", text)
    fonts = [u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", text)
             if not u.startswith("data:") and urlsplit(u).path.lower().endswith(FONT_EXTENSIONS)]
    return [("css", urljoin(base_url, u), "@import") for u in imports] + [("font", urljoin(base_url, u), "") for u in fonts]


def weigh(client, path, substitute=None):
    """[(kind, url, note, raw bytes, gzip bytes)] for the page at path and what it loads."""
    html = fetch(client, path)
    rows = [("html", path, "", len(html), gzip_size(html))]
    parser = Resources()
    parser.feed(html.decode("utf-8", errors="replace"))
    todo, seen = list(parser.found), {path}
    while todo:
        kind, url, note = todo.pop(0)
        if url in seen or urlsplit(url).netloc:  # other hosts (none today) are not ours to weigh
            continue
        seen.add(url)
        fetch_url = url
        if substitute:
            rel = urlsplit(url).path[len(settings.STATIC_URL):]
            if rel in substitute:
                fetch_url = settings.STATIC_URL + substitute[rel]
                note = (note + " " if note else "") + f"(as {substitute[rel]})"
        data = fetch(client, fetch_url)
        rows.append((kind, url, note, len(data), gzip_size(data)))
        if kind == "css":
            todo.extend(css_references(data, url))
    return rows


def print_table(rows, title):
    print(title)
    print(f"  {'type':5} {'resource':58} {'raw KB':>8} {'gzip KB':>8}  note")
    for kind, url, note, raw, packed in rows:
        print(f"  {kind:5} {url[:58]:58} {raw / 1024:8.1f} {packed / 1024:8.1f}  {note}")
    total_raw, total = sum(r[3] for r in rows), sum(r[4] for r in rows)
    by_kind = {}
    for kind, _, _, _, packed in rows:
        by_kind[kind] = by_kind.get(kind, 0) + packed
    print(f"  {'total':5} {f'{len(rows)} resources':58} {total_raw / 1024:8.1f} {total / 1024:8.1f}  "
          + ", ".join(f"{k} {v / 1024:.1f}" for k, v in by_kind.items()))
    return total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", default="/", help="page to weigh (default: the home page)")
    parser.add_argument("--no-setup", action="store_true", help="skip migrate and load_demo")
    parser.add_argument("--full-bundle", action="store_true", help="also weigh the page with the full NL Design System CSS")
    args = parser.parse_args(argv)
    if not args.no_setup:
        setup_demo()
    client = site_client()
    total = print_table(weigh(client, args.path), f"page weight of {args.path} (gzip level 6; images, favicon and map tiles aside)")
    print(f"aim: <= {AIM_KB} KB: {total / 1024:.1f} KB {'ok' if total <= AIM_KB * 1024 else 'OVER'}")
    if args.full_bundle:
        before = print_table(weigh(client, args.path, substitute=FULL_BUNDLE), "the same page with the full NL Design System CSS bundles")
        print(f"generated CSS saves {(before - total) / 1024:.1f} KB gzip ({before / 1024:.1f} KB -> {total / 1024:.1f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
