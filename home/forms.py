"""Form helpers that give Django widgets the NL Design System classes."""

from django import forms

WIDGET_CLASSES = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.SelectMultiple: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.RadioSelect: "utrecht-radio-button utrecht-radio-button--html-input",
    forms.CheckboxSelectMultiple: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.ClearableFileInput: "utrecht-file-input",
    forms.FileInput: "utrecht-file-input",
}
TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"


def apply_nlds_classes(form):
    """Add the design-system class to every widget that has none yet; returns the form for chaining."""
    for field in form.fields.values():
        widget = field.widget
        css = next((c for cls, c in WIDGET_CLASSES.items() if type(widget) is cls), None)
        if css is None and isinstance(widget, forms.widgets.Input):
            css = TEXTBOX
        if css and "class" not in widget.attrs:
            widget.attrs["class"] = css
    return form


class NLDSFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_nlds_classes(self)
