"""scripts/build_css.py: only the NL Design System components and tokens the site uses, nothing it needs lost."""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("build_css", ROOT / "scripts" / "build_css.py")
build_css = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_css)

needs_npm = pytest.mark.skipif(
    not (build_css.UTRECHT / build_css.BUNDLE_PACKAGE / "dist" / "index.css").exists(), reason="npm packages not installed"
)


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
def test_the_site_build_keeps_every_bundle_rule_for_classes_our_templates_use():
    components, tokens, report = build_css.build()
    classes, _ = build_css.scan_classes(build_css.project_files())
    bundle = (build_css.UTRECHT / build_css.BUNDLE_PACKAGE / "dist" / "index.css").read_text()
    for css_class in classes:
        if re.search(r"\." + re.escape(css_class) + r"(?![\w-])", bundle):
            assert re.search(r"\." + re.escape(css_class) + r"(?![\w-])", components), css_class
    assert ".utrecht-calendar" not in components and ".utrecht-rich-text" not in components
    assert report["bytes"]["components"] < report["bytes"]["bundle_before"] / 2
    assert "EUPL-1.2" in components and "@utrecht/button-css@" in components


@needs_npm
def test_the_site_build_keeps_every_token_our_css_reads():
    components, tokens, _ = build_css.build()
    ours = (ROOT / "site" / "static" / "css" / "dichtbij.css").read_text()
    defined = set(re.findall(r"(--[\w-]+):", tokens))
    theme = [n for n in build_css.parse((build_css.UTRECHT / "design-tokens" / "dist" / "index.css").read_text())
             if n[0] == "rule" and n[1] == ".utrecht-theme"]  # the light theme on <html class="utrecht-theme">
    all_tokens = set(re.findall(r"(--[\w-]+):", "".join(n[2] for n in theme)))
    for name in set(re.findall(r"var\((--utrecht-[\w-]+)", ours + components)) & all_tokens:
        assert name in defined, name
    assert "--utrecht-calendar-table-days-item-day-color" not in defined
    assert ".utrecht-theme--media-query-color-scheme" not in tokens
