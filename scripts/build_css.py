#!/usr/bin/env python3
"""Build the NL Design System CSS the site actually uses (standard library only).

    python3 scripts/build_css.py [--check] [--verbose]

The full @utrecht/component-library-css bundle is about 400 KB and the design tokens of the NL Design System's
example theme (@nl-design-system-unstable/voorbeeld-design-tokens, dist/theme.css) about 200 KB; the site uses
a few dozen components and a fraction of the tokens. This script

1. scans our templates (``**/templates/**/*.html``), our JavaScript (``*/static/**/*.js``) and our Python
   (forms, blocks, views: every ``*.py`` of the project apps) for ``utrecht-<name>`` class names, plus
   RUNTIME_CLASSES below for classes that only ever appear at run time;
2. maps each class to its component package ``@utrecht/<block>-css`` (the part before ``__``/``--``;
   ``utrecht-heading-{{ level }}`` style prefixes select every package that starts with them);
3. writes ``site/static/css/nlds-components.css``: the rules of those components taken, in their original
   order and text, from the component-library bundle this site loaded before (the per-component packages'
   own dist/index.css files are older builds of the same sources and differ in places, for example the
   nav list's alignment, so taking them would change how pages look). A rule is kept when at least one of
   its selectors can match: every class it requires belongs to a used component (classes inside ``:not()``,
   ``:is()``, ``:where()`` and ``:has()`` are treated leniently, so doubtful rules stay);
4. writes ``site/static/css/nlds-tokens.css``: the ``.voorbeeld-theme`` block of the example theme (the class
   is on ``<html>``), followed by our own tokens (``site/theme/tokens.css``: what the example theme leaves
   out and the components need), in both cases without the custom properties nothing refers to. A property
   is kept when its name occurs in the kept component CSS, in any of our own stylesheets
   (``**/static/**/*.css``, the theme template ``home/templates/home/theme.css``) or scanned sources, or in
   the value of another kept token. A custom property nobody reads has no effect, so dropping it cannot
   change a page.

The Gemeente Utrecht design tokens (@utrecht/design-tokens) are not used: they are proprietary assets of
Gemeente Utrecht, not open source, and this platform is for any municipality. The build also lists every
declaration of the kept components whose ``var()`` chain ends in a token no file defines (``unresolved``);
outside OPTIONAL_TOKENS that means a component would silently lose a value, so the tests check it.

Both files are generated (gitignored): ``make node`` (part of ``make run`` and ``make test``) runs this
script after ``npm ci``. Run it again after adding an NL Design System class to a template.
``--check`` exits 1 when the files on disk are not what the current sources would produce.
"""

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
UTRECHT = NODE_MODULES / "@utrecht"
BUNDLE_PACKAGE = "component-library-css"
# The NL Design System's example theme (EUPL-1.2): neutral tokens meant to be copied by an organisation.
TOKENS_PACKAGE = "@nl-design-system-unstable/voorbeeld-design-tokens"
TOKENS_CSS = NODE_MODULES / TOKENS_PACKAGE / "dist" / "theme.css"
THEME_CLASS = "voorbeeld-theme"  # its tokens apply under <html class="voorbeeld-theme">
# Our own tokens (EUPL-1.2, like the project): what the example theme leaves out and the components need.
OWN_TOKENS = ROOT / "site" / "theme" / "tokens.css"
OUT_COMPONENTS = ROOT / "site" / "static" / "css" / "nlds-components.css"
OUT_TOKENS = ROOT / "site" / "static" / "css" / "nlds-tokens.css"

# Classes that only appear at run time (added by code this script does not scan). Keep it short and say why.
RUNTIME_CLASSES = {
    # (none at the moment: search/static/search/autocomplete.js and the form widgets are scanned)
}

# Tokens the kept components read that neither theme defines, on purpose: the property is then unset (colours,
# fonts and line heights inherit; backgrounds, paddings and gaps take their initial value), as they were with
# the Gemeente Utrecht tokens before. A token missing from this list and from every theme is reported.
OPTIONAL_TOKENS = frozenset({
    "--utrecht-breadcrumb-nav-item-divider-inline-size", "--utrecht-breadcrumb-nav-link-background-color",
    "--utrecht-breadcrumb-nav-link-disabled-background-color", "--utrecht-button-block-size",
    "--utrecht-button-group-background-color", "--utrecht-button-group-padding-block-end",
    "--utrecht-button-group-padding-block-start", "--utrecht-button-text-transform",
    "--utrecht-data-list-item-key-color", "--utrecht-data-list-item-key-font-size",
    "--utrecht-data-list-item-key-line-height", "--utrecht-data-list-item-value-color",
    "--utrecht-data-list-item-value-font-size", "--utrecht-data-list-item-value-font-weight",
    "--utrecht-data-list-item-value-line-height", "--utrecht-data-list-rows-gap",
    "--utrecht-data-list-rows-item-padding-block-end", "--utrecht-data-list-rows-item-padding-block-start",
    "--utrecht-form-field-description-font-style", "--utrecht-form-field-error-message-font-style",
    "--utrecht-form-max-inline-size", "--utrecht-layer-focus-z-index", "--utrecht-link-placeholder-font-weight",
    "--utrecht-nav-bar-content-background-color", "--utrecht-nav-bar-content-color",
    "--utrecht-nav-list-link-font-weight", "--utrecht-navigation-link-current-font-weight",
    "--utrecht-page-footer-content-background-color", "--utrecht-page-footer-content-color",
    "--utrecht-page-footer-padding-block-end", "--utrecht-page-footer-padding-block-start",
    "--utrecht-page-footer-padding-inline-end", "--utrecht-page-footer-padding-inline-start",
    "--utrecht-select-background-image", "--utrecht-skip-link-z-index", "--utrecht-table-header-cell-color",
    "--utrecht-table-header-cell-font-size", "--utrecht-table-header-cell-text-transform",
    "--utrecht-table-header-text-transform",
})

# Folders that never hold site templates, scripts or Python that renders public pages.
SKIP_DIRS = {".git", ".venv", "node_modules", "tests", "bench", "scripts", "static_collected", "media",
             "private_media", "locale", "migrations", "__pycache__", ".pytest_cache", "docs"}

CLASS_RE = re.compile(r"utrecht-[a-z0-9]+(?:[-_]{1,2}[a-z0-9]+)*(?P<open>[-_]{0,2})(?P<tag>\{[{%])?")
CUSTOM_PROPERTY_RE = re.compile(r"--[A-Za-z0-9_-]+")
SELECTOR_CLASS_RE = re.compile(r"\.(utrecht-[A-Za-z0-9_-]+)")
FUNCTIONAL_PSEUDO_RE = re.compile(r":(not|is|where|has|matches|-webkit-any|-moz-any)\(", re.I)
GROUPING_AT_RULES = ("@media", "@supports", "@container", "@layer", "@document")


# --- scanning -----------------------------------------------------------------------------------------------

def project_files():
    """Templates, JS and Python of the project (not dependencies, tests or generated files)."""
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]) or not path.is_file():
            continue
        if path.suffix == ".html" and "templates" in rel.parts:
            yield path
        elif path.suffix == ".js" and "static" in rel.parts:
            yield path
        elif path.suffix == ".py" and len(rel.parts) > 1:
            yield path


def own_stylesheets():
    """Our CSS: every stylesheet under a static/ or templates/ folder of the project, except generated output."""
    for path in sorted(ROOT.rglob("*.css")):
        rel = path.relative_to(ROOT)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        if path in (OUT_COMPONENTS, OUT_TOKENS):
            continue
        if "static" in rel.parts or "templates" in rel.parts:
            yield path


def scan_classes(files):
    """Return ({class: [files]}, {prefix: [files]}): full class names and open-ended template prefixes."""
    classes, prefixes = {}, {}
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in CLASS_RE.finditer(text):
            name = match.group(0)
            if match.group("tag"):
                name = name[: -len(match.group("tag"))]
            rel = str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
            if match.group("open") and match.group("tag"):
                # 'utrecht-alert--{% ... %}' or 'utrecht-heading-{{ level }}': the rest is filled in at render time.
                prefixes.setdefault(name, []).append(rel)
            else:
                classes.setdefault(name.rstrip("-_"), []).append(rel)
    return classes, prefixes


# --- packages -----------------------------------------------------------------------------------------------

def package_version(name):
    return json.loads((UTRECHT / name / "package.json").read_text())["version"]


def component_packages():
    """{block: package folder name} for every @utrecht/<block>-css dependency of the bundle."""
    deps = json.loads((UTRECHT / BUNDLE_PACKAGE / "package.json").read_text())["dependencies"]
    return {name.split("/", 1)[1][: -len("-css")]: name.split("/", 1)[1]
            for name in deps if name.startswith("@utrecht/") and name.endswith("-css")}


def block_of(css_class):
    return re.split(r"--|__", css_class[len("utrecht-"):], maxsplit=1)[0]


def select_components(classes, prefixes, packages):
    """The blocks (component packages) the site uses, and the used classes no package defines."""
    blocks, unmapped = set(), set()
    for css_class in classes:
        block = block_of(css_class)
        if block in packages:
            blocks.add(block)
        else:
            unmapped.add(css_class)
    for prefix in prefixes:
        rest = prefix[len("utrecht-"):]
        if "--" in rest or "__" in rest:
            block = block_of(prefix)
            (blocks.add(block) if block in packages else unmapped.add(prefix.rstrip("-_")))
        else:
            matches = {b for b in packages if b.startswith(rest)}
            blocks |= matches
            if not matches:
                unmapped.add(prefix)
    return blocks, unmapped


# --- a small CSS reader -------------------------------------------------------------------------------------

def _skip_string_or_comment(text, i):
    """If text[i] starts a string or comment, return the index after it; else None."""
    ch = text[i]
    if ch in "\"'":
        j = i + 1
        while j < len(text) and text[j] != ch:
            j += 2 if text[j] == "\\" else 1
        return j + 1
    if text.startswith("/*", i):
        end = text.find("*/", i + 2)
        return len(text) if end < 0 else end + 2
    return None


def parse(text):
    """Top-level CSS statements as nodes: ("rule", selector, body), ("group", prelude, [children]),
    ("block", prelude, body) for other at-rules with a block, ("statement", text) for '@charset ...;'."""
    nodes, i, start, n = [], 0, 0, len(text)
    while i < n:
        skipped = _skip_string_or_comment(text, i)
        if skipped is not None:
            if text.startswith("/*", i) and not text[start:i].strip():
                start = skipped  # a comment between statements: not part of the next prelude
            i = skipped
            continue
        ch = text[i]
        if ch == ";":
            statement = text[start:i].strip()
            if statement:
                nodes.append(("statement", statement + ";"))
            i = start = i + 1
        elif ch == "{":
            prelude = text[start:i].strip()
            depth, j = 1, i + 1
            while j < n and depth:
                skipped = _skip_string_or_comment(text, j)
                if skipped is not None:
                    j = skipped
                    continue
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            body = text[i + 1: j - 1]
            if prelude.lower().startswith(GROUPING_AT_RULES):
                nodes.append(("group", prelude, parse(body)))
            elif prelude.startswith("@"):
                nodes.append(("block", prelude, body))
            else:
                nodes.append(("rule", prelude, body))
            i = start = j
        else:
            i += 1
    return nodes


def split_top_level(text, separator):
    """Split on a separator outside parentheses, brackets, strings and comments."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        skipped = _skip_string_or_comment(text, i)
        if skipped is not None:
            i = skipped
            continue
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _outside_and_inside_functional_pseudos(selector):
    """Split a selector's text into what lies outside :not()/:is()/... and, per pseudo, what lies inside."""
    outside, inside, i = [], [], 0
    while True:
        match = FUNCTIONAL_PSEUDO_RE.search(selector, i)
        if not match:
            outside.append(selector[i:])
            return "".join(outside), inside
        outside.append(selector[i: match.start()])
        depth, j = 1, match.end()
        while j < len(selector) and depth:
            depth += {"(": 1, ")": -1}.get(selector[j], 0)
            j += 1
        inside.append((match.group(1).lower(), selector[match.end(): j - 1]))
        i = j


def selector_can_match(selector, available):
    """Can this selector match in our pages? `available(css_class)` says whether a class can occur."""
    outside, inside = _outside_and_inside_functional_pseudos(selector)
    required = SELECTOR_CLASS_RE.findall(outside)
    if required:
        return all(available(c) for c in required)
    optional = [c for kind, text in inside if kind != "not" for c in SELECTOR_CLASS_RE.findall(text)]
    return not optional or any(available(c) for c in optional)


def rule_can_match(selector_list, available):
    return any(selector_can_match(s, available) for s in split_top_level(selector_list, ","))


def filter_nodes(nodes, available):
    kept = []
    for node in nodes:
        if node[0] == "rule" and rule_can_match(node[1], available):
            kept.append(node)
        elif node[0] == "group":
            children = filter_nodes(node[2], available)
            if any(child[0] != "statement" for child in children):
                kept.append(("group", node[1], children))
        elif node[0] == "block":
            kept.append(node)  # @keyframes, @font-face, @page: decided by the caller
    return kept


def keyframes_in_use(nodes):
    """Drop @keyframes whose name no kept rule mentions."""
    text = serialise([n for n in nodes if not (n[0] == "block" and n[1].lower().startswith("@keyframes"))])
    result = []
    for node in nodes:
        if node[0] == "block" and node[1].lower().startswith("@keyframes"):
            if re.search(r"(?<![\w-])" + re.escape(node[1].split(None, 1)[1].strip()) + r"(?![\w-])", text):
                result.append(node)
        elif node[0] == "group":
            result.append(("group", node[1], keyframes_in_use(node[2])))
        else:
            result.append(node)
    return result


def filter_declarations(body, keep_property):
    """Drop custom property declarations `keep_property(name)` refuses; keep all other declarations."""
    kept = []
    for declaration in split_top_level(body, ";"):
        name = declaration.split(":", 1)[0].strip()
        if not name.startswith("--") or keep_property(name):
            kept.append(declaration)
    return ";".join(kept)


# --- custom properties --------------------------------------------------------------------------------------

VAR_START_RE = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)\s*")


def var_calls(value):
    """The top-level var() calls of a value: [(name, fallback text or None)]; fallbacks hold their own calls."""
    calls, i = [], 0
    while True:
        match = VAR_START_RE.search(value, i)
        if not match:
            return calls
        depth, j = 1, match.end()
        while j < len(value) and depth:
            depth += {"(": 1, ")": -1}.get(value[j], 0)
            j += 1
        rest = value[match.end(): j - 1]
        calls.append((match.group(1), rest[1:] if rest.startswith(",") else None))
        i = j


def declarations(nodes):
    """(selector, property, value) of every declaration in parsed rules, also inside @media and the like."""
    for node in nodes:
        if node[0] == "rule":
            for declaration in split_top_level(node[2], ";"):
                name, _, value = declaration.partition(":")
                yield node[1], name.strip(), value.strip()
        elif node[0] == "group":
            yield from declarations(node[2])


def unresolved(component_nodes, definitions):
    """{token: [selector {property}]} for declarations whose value needs a token that resolves nowhere.

    ``definitions`` maps custom property names to their values (a name whose value is None counts as defined,
    for tokens set by templates). A var() resolves when its token does or its fallback does; a declaration
    without a value at computed time falls back to ``unset`` (inherited or initial), not to the browser's
    default, so a missing token can change a page.
    """
    memo = {}

    def name_resolves(name):
        if name not in memo:
            memo[name] = False  # a cycle never resolves
            memo[name] = name in definitions and any(v is None or value_resolves(v) for v in definitions[name])
        return memo[name]

    def value_resolves(value):
        return all(name_resolves(name) or (fallback is not None and value_resolves(fallback))
                   for name, fallback in var_calls(value))

    def missing(value):
        names = []
        for name, fallback in var_calls(value):
            if not name_resolves(name) and not (fallback is not None and value_resolves(fallback)):
                names += [name] + (missing(fallback) if fallback else [])
        return names

    found = {}
    for selector, prop, value in declarations(component_nodes):
        if prop.startswith("--") or "var(" not in value or value_resolves(value):
            continue
        for name in dict.fromkeys(missing(value)):
            found.setdefault(name, []).append(f"{selector} {{{prop}}}")
    return found


# --- output -------------------------------------------------------------------------------------------------

def minify(text):
    """Minimal whitespace trimming: comments out, whitespace runs collapsed, none around { } ; , or after :."""
    out, i, n = [], 0, len(text)
    while i < n:
        skipped = _skip_string_or_comment(text, i)
        if skipped is not None:
            if text[i] in "\"'":
                out.append(text[i:skipped])
            else:
                out.append(" ")
            i = skipped
            continue
        out.append(text[i])
        i += 1
    collapsed = []
    for piece in re.split(r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')", "".join(out)):
        if piece[:1] in "\"'" and len(piece) > 1:
            collapsed.append(piece)
        else:
            piece = re.sub(r"\s+", " ", piece)
            piece = re.sub(r"\s*([{};,])\s*", r"\1", piece)
            piece = re.sub(r":\s+", ":", piece)  # never needed after a colon (selectors, declarations, media)
            collapsed.append(piece.replace(";}", "}"))
    return "".join(collapsed).strip()


def serialise(nodes):
    parts = []
    for node in nodes:
        if node[0] == "rule" or node[0] == "block":
            parts.append(minify(node[1]) + "{" + minify(node[2]).rstrip(";") + "}")
        elif node[0] == "group":
            parts.append(minify(node[1]) + "{" + serialise(node[2]) + "}")
        elif node[0] == "statement":
            parts.append(minify(node[1]))
    return "\n".join(parts)


def licence_comments(text):
    """The distinct /** @license ... */ comments of a source file, in order (EUPL asks to keep the notices)."""
    seen = []
    for comment in re.findall(r"/\*\*?\s*\n?\s*\*?\s*@license.*?\*/", text, flags=re.S):
        if comment not in seen:
            seen.append(comment)
    return seen


def with_charset(css):
    return ('@charset "UTF-8";\n' + css) if any(ord(ch) > 127 for ch in css) else css


# --- build --------------------------------------------------------------------------------------------------

def build(verbose=False):
    if not (UTRECHT / BUNDLE_PACKAGE / "dist" / "index.css").exists():
        sys.exit("build_css: node_modules/@utrecht is missing; run `npm ci` first (make node)")
    packages = component_packages()
    missing = sorted(b for b in packages if not (UTRECHT / packages[b] / "dist" / "index.css").exists())
    classes, prefixes = scan_classes(project_files())
    for css_class in RUNTIME_CLASSES:
        classes.setdefault(css_class, ["RUNTIME_CLASSES"])
    blocks, unmapped = select_components(classes, prefixes, packages)

    def available(css_class):
        return block_of(css_class) in blocks or css_class in classes

    bundle_text = (UTRECHT / BUNDLE_PACKAGE / "dist" / "index.css").read_text(encoding="utf-8")
    bundle = parse(bundle_text)
    kept = keyframes_in_use(filter_nodes(bundle, available))
    components_css = serialise(kept)

    used = sorted(blocks)
    header = [
        "/*! Generated by scripts/build_css.py: do not edit, run `make node` or `python3 scripts/build_css.py`.",
        f" * NL Design System components used by the site ({len(used)} of {len(packages)}), rules taken in their",
        f" * original order from @utrecht/{BUNDLE_PACKAGE} {package_version(BUNDLE_PACKAGE)} (dist/index.css).",
        " * Licence: EUPL-1.2 (https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12).",
        " * Packages: " + ", ".join(f"@utrecht/{packages[b]}@{package_version(packages[b])}" for b in used),
        " */",
    ]
    notices = "\n".join(licence_comments(bundle_text))
    components_out = with_charset("\n".join(header) + "\n" + notices + "\n" + components_css + "\n")

    # Design tokens: the example theme's block and ours; custom properties someone reads.
    if not TOKENS_CSS.exists():
        sys.exit(f"build_css: {TOKENS_CSS.relative_to(ROOT)} is missing; run `npm ci` first (make node)")
    tokens_text = TOKENS_CSS.read_text(encoding="utf-8")
    own_tokens_text = OWN_TOKENS.read_text(encoding="utf-8")
    theme_nodes = [("rule", n[1], minify(n[2])) for n in parse(tokens_text)
                   if n[0] == "rule" and n[1].strip() == "." + THEME_CLASS]  # not other (dark, media) variants
    own_nodes = [("rule", n[1], minify(n[2])) for n in parse(own_tokens_text) if n[0] == "rule"]
    readers = components_css + "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in list(own_stylesheets()) + list(project_files()))
    wanted = set(CUSTOM_PROPERTY_RE.findall(readers))
    definitions = {}
    for _, name, value in declarations(theme_nodes + own_nodes):
        definitions.setdefault(name, []).append(value)
    all_tokens = sum(len(v) for v in definitions.values())
    todo = list(wanted)
    while todo:
        for value in definitions.get(todo.pop(), []):
            for name in CUSTOM_PROPERTY_RE.findall(value):
                if name not in wanted:
                    wanted.add(name)
                    todo.append(name)

    def pruned(nodes):
        nodes = [("rule", n[1], filter_declarations(n[2], wanted.__contains__)) for n in nodes]
        return [n for n in nodes if n[2].strip()]

    theme_nodes, own_nodes = pruned(theme_nodes), pruned(own_nodes)
    kept_theme = sum(len(split_top_level(n[2], ";")) for n in theme_nodes)
    kept_own = sum(len(split_top_level(n[2], ";")) for n in own_nodes)
    tokens_version = json.loads((TOKENS_CSS.parent.parent / "package.json").read_text())["version"]
    tokens_out = with_charset("\n".join([
        "/*! Generated by scripts/build_css.py: do not edit, run `make node` or `python3 scripts/build_css.py`.",
        f" * Design tokens from {TOKENS_PACKAGE} {tokens_version} (dist/theme.css), the NL Design",
        f" * System example theme: the .{THEME_CLASS} block, {kept_theme} custom properties (those our CSS reads),",
        " * then our own tokens from site/theme/tokens.css"
        f" ({kept_own} custom properties the example theme does not define).",
        " * Licence: EUPL-1.2 (https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12),",
        " * both the example theme (Copyright (c) NL Design System Community) and our own tokens.",
        " */",
    ]) + "\n" + serialise(theme_nodes) + "\n" + serialise(own_nodes) + "\n")

    # Which component declarations end up without a value: tokens of the theme, ours and any our CSS sets.
    defined = {}
    for _, name, value in declarations(theme_nodes + own_nodes + kept):
        if name.startswith("--"):
            defined.setdefault(name, []).append(value)
    for path in own_stylesheets():  # theme.css is a template: its values are filled in at run time
        for name in re.findall(r"(--[A-Za-z0-9_-]+)\s*:", path.read_text(encoding="utf-8")):
            defined.setdefault(name, []).append(None)
    missing_tokens = unresolved(kept, defined)

    report = {
        "components": [f"@utrecht/{packages[b]}" for b in used],
        "unmapped": sorted(unmapped),
        "missing_dist": missing,
        "bytes": {"components": len(components_out.encode()), "tokens": len(tokens_out.encode()),
                  "bundle_before": len(bundle_text.encode()), "tokens_before": len(tokens_text.encode())},
        "tokens": {"theme": kept_theme, "own": kept_own, "available": all_tokens},
        "unresolved": missing_tokens,
    }
    if verbose:
        for css_class in sorted(classes):
            print(f"  {css_class:48} {block_of(css_class) if block_of(css_class) in blocks else '(no package)':28} "
                  f"{classes[css_class][0]}")
        for prefix in sorted(prefixes):
            print(f"  {prefix + '*':48} {'prefix':28} {prefixes[prefix][0]}")
    return components_out, tokens_out, report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the generated files are out of date")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every class found and its package")
    args = parser.parse_args(argv)
    components_out, tokens_out, report = build(verbose=args.verbose)
    if args.check:
        stale = [p for p, text in ((OUT_COMPONENTS, components_out), (OUT_TOKENS, tokens_out))
                 if not p.exists() or p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"build_css: {path.relative_to(ROOT)} is out of date; run python3 scripts/build_css.py")
        return 1 if stale else 0
    OUT_COMPONENTS.parent.mkdir(parents=True, exist_ok=True)
    for path, text in ((OUT_COMPONENTS, components_out), (OUT_TOKENS, tokens_out)):
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    b = report["bytes"]
    print(f"build_css: {len(report['components'])} NL Design System components -> "
          f"{OUT_COMPONENTS.relative_to(ROOT)} ({b['components'] / 1024:.1f} KB, was {b['bundle_before'] / 1024:.0f} KB); "
          f"tokens -> {OUT_TOKENS.relative_to(ROOT)} ({b['tokens'] / 1024:.1f} KB, was {b['tokens_before'] / 1024:.0f} KB)")
    if report["unmapped"]:
        print("build_css: classes without a component package (fine if our own CSS styles them): "
              + ", ".join(report["unmapped"]))
    surprising = sorted(set(report["unresolved"]) - OPTIONAL_TOKENS)
    if surprising:
        print("build_css: component declarations left without a value (define these tokens in site/theme/tokens.css): "
              + ", ".join(f"{name} ({report['unresolved'][name][0]})" for name in surprising))
    if report["missing_dist"]:
        print("build_css: packages without dist/index.css: " + ", ".join(report["missing_dist"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
