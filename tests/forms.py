"""Admin forms as a browser sends them."""


def form_data(form) -> dict:
    """What a browser posts back for ``form`` unchanged: no disabled fields, no
    unticked boxes."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled or value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            formatted = field.widget.format_value(value)
            data[name] = "" if formatted is None else formatted
    return data
