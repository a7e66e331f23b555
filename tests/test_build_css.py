"""scripts/build_css.py: only the NL Design System components and tokens the site uses, nothing it needs lost."""

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("build_css", ROOT / "scripts" / "build_css.py")
build_css = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_css)

needs_npm = pytest.mark.skipif(
    not (build_css.UTRECHT / build_css.BUNDLE_PACKAGE / "dist" / "index.css").exists() or not build_css.TOKENS_CSS.exists(),
    reason="npm packages not installed",
)


@pytest.fixture(scope="module")
def site_build():
    """(components CSS, tokens CSS, report) of the site as it is; built once, the scan takes a while."""
    return build_css.build()


def kept(css, used):
    return build_css.serialise(build_css.keyframes_in_use(build_css.filter_nodes(build_css.parse(css), lambda c: c in used)))


def test_rules_of_unused_components_are_dropped_and_used_ones_kept_whole():
    css = """
    .utrecht-button { color: red; }
    .utrecht-button:hover, .utrecht-calendar__day { color: blue; }
    .utrecht-calendar { display: grid; }
    @media (forced-colors: active) { .utrecht-calendar { border: 1px solid; } .utrecht-button { border: 2px solid; } }
    @media print { .utrecht-calendar { display: none; } }
    """
    out = kept(css, {"utrecht-button"})
    assert ".utrecht-button{color:red}" in out
    assert ".utrecht-button:hover,.utrecht-calendar__day{color:blue}" in out  # one live selector keeps the rule
    assert "@media (forced-colors:active){.utrecht-button{border:2px solid}}" in out
    assert ".utrecht-calendar{" not in out and "@media print" not in out


def test_classes_inside_not_never_make_a_selector_dead():
    assert build_css.selector_can_match(".utrecht-link:not(.utrecht-button-link)", {"utrecht-link"}.__contains__)
    assert not build_css.selector_can_match(".utrecht-html .utrecht-link", {"utrecht-link"}.__contains__)
    assert build_css.selector_can_match(":where(.utrecht-link) :focus", {"utrecht-link"}.__contains__)
    assert not build_css.selector_can_match(":where(.utrecht-root) :focus", {"utrecht-link"}.__contains__)


def test_keyframes_stay_only_when_a_kept_rule_animates_with_them():
    css = "@keyframes fade-in { from { opacity: 0 } } @keyframes spin { to { rotate: 1turn } }" \
          ".utrecht-backdrop { animation: fade-in 1s; } .utrecht-spinner { animation-name: spin; }"
    out = kept(css, {"utrecht-backdrop"})
    assert "@keyframes fade-in" in out and "spin" not in out


def test_strings_and_values_survive_the_whitespace_trimming():
    css = '.utrecht-x::before { content: "a  {b};  c"; margin: calc(1px + 2px) 0; font-family: "Noto Sans", Arial; }'
    assert kept(css, {"utrecht-x"}) == '.utrecht-x::before{content:"a  {b};  c";margin:calc(1px + 2px) 0;font-family:"Noto Sans",Arial}'


def test_template_prefixes_select_every_matching_component(tmp_path):
    template = tmp_path / "t.html"
    template.write_text('<h2 class="utrecht-heading-{{ level }} utrecht-alert--{% if e %}error{% endif %}">')
    classes, prefixes = build_css.scan_classes([template])
    blocks, unmapped = build_css.select_components(classes, prefixes, {"heading-1": "", "heading-2": "", "alert": "", "alert-dialog": ""})
    assert blocks == {"heading-1", "heading-2", "alert"} and not unmapped


@needs_npm
def test_the_site_build_keeps_every_bundle_rule_for_classes_our_templates_use(site_build):
    components, tokens, report = site_build
    classes, _ = build_css.scan_classes(build_css.project_files())
    bundle = (build_css.UTRECHT / build_css.BUNDLE_PACKAGE / "dist" / "index.css").read_text()
    for css_class in classes:
        if re.search(r"\." + re.escape(css_class) + r"(?![\w-])", bundle):
            assert re.search(r"\." + re.escape(css_class) + r"(?![\w-])", components), css_class
    assert ".utrecht-calendar" not in components and ".utrecht-rich-text" not in components
    assert report["bytes"]["components"] < report["bytes"]["bundle_before"] / 2
    assert "EUPL-1.2" in components and "@utrecht/button-css@" in components


def test_a_declaration_lacks_a_value_only_when_its_whole_var_chain_is_undefined():
    css = """
    .utrecht-x { color: var(--a, var(--b)); margin: var(--c, 0); padding: var(--d); gap: var(--e) var(--f, 1px); }
    .utrecht-y { border-color: var(--g); inline-size: var(--loop); --h: var(--nowhere); }
    """
    definitions = {"--b": ["red"], "--e": ["1px"], "--g": ["var(--b)"], "--loop": ["var(--loop)"]}
    found = build_css.unresolved(build_css.parse(css), definitions)
    assert set(found) == {"--d", "--loop"}  # custom property declarations (--h) are checked where they are read
    assert found["--d"] == [".utrecht-x {padding}"]
    assert build_css.unresolved(build_css.parse(".utrecht-x { color: var(--t); }"), {"--t": [None]}) == {}


def test_var_calls_keep_nested_fallbacks_whole():
    assert build_css.var_calls("calc(var(--a, var(--b, 2px)) + var( --c ))") == [("--a", " var(--b, 2px)"), ("--c", None)]


@needs_npm
def test_the_site_build_keeps_every_token_our_css_reads(site_build):
    components, tokens, _ = site_build
    ours = (ROOT / "site" / "static" / "css" / "dichtbij.css").read_text()
    defined = set(re.findall(r"(--[\w-]+):", tokens))
    theme = [n for n in build_css.parse(build_css.TOKENS_CSS.read_text())
             if n[0] == "rule" and n[1] == "." + build_css.THEME_CLASS]  # on <html class="voorbeeld-theme">
    own = build_css.OWN_TOKENS.read_text()
    all_tokens = set(re.findall(r"(--[\w-]+):", "".join(n[2] for n in theme) + own))
    read = set(re.findall(r"var\((--[\w-]+)", ours + components))
    assert read & all_tokens, "the tokens and the components no longer share names"
    for name in read & all_tokens:
        assert name in defined, name
    assert "--lux-login-link-color" in all_tokens and "--lux-login-link-color" not in defined  # unused: dropped


@needs_npm
def test_every_component_declaration_gets_a_value_from_the_theme_or_our_tokens(site_build):
    _, _, report = site_build
    left_out = {name: uses[0] for name, uses in report["unresolved"].items() if name not in build_css.OPTIONAL_TOKENS}
    assert left_out == {}, "define these in site/theme/tokens.css (or list them in OPTIONAL_TOKENS, saying why)"


@needs_npm
def test_the_tokens_are_the_open_example_theme_and_ours_not_gemeente_utrecht_s(site_build):
    _, tokens, report = site_build
    version = json.loads((build_css.TOKENS_CSS.parent.parent / "package.json").read_text())["version"]
    assert f"{build_css.TOKENS_PACKAGE} {version}" in tokens and "EUPL-1.2" in tokens
    assert "Gemeente Utrecht" not in tokens and "--utrecht-color-" not in tokens  # Utrecht's palette names
    assert report["tokens"]["own"] > 0 and ":where(.dichtbij-theme)" in tokens
    package = json.loads((ROOT / "package.json").read_text())
    assert "@utrecht/design-tokens" not in json.dumps(package)
    assert package["dependencies"][build_css.TOKENS_PACKAGE] == version  # pinned exactly
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert "node_modules/@utrecht/design-tokens" not in lock["packages"]
    for template in ("site/templates/base.html", "site/templates/500.html"):
        assert re.search(r'<html[^>]*class="[^"]*\b' + build_css.THEME_CLASS + r'\b', (ROOT / template).read_text()), template
