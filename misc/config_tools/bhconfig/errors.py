"""ConfigError, and one-line messages for XML and XSD errors: file:line: <element path> ..."""
import re

# The attribute that tells siblings apart, shown in element paths: <vm id="0">/<memory>.
KEY_ATTRS = {"vm": "id", "cpu": "id", "device": "bdf", "bar": "index", "link": "id",
             "module": "tag", "range": "start", "serial": "port", "ioapic": "id",
             "pci": "bdf", "emulator": "kind"}

# What a value of each named XSD simple type must look like, for pattern errors.
TYPE_HINTS = {
    "Number": "not a number (decimal or 0x-hex)",
    "Name": "not a valid name (1 to 31 of A-Z a-z 0-9 _ -)",
    "BoardName": "not a valid name (1 to 63 of A-Z a-z 0-9 _ . -)",
    "ScenarioName": "not a valid name (1 to 63 of A-Z a-z 0-9 _ . -)",
    "Bdf": "not a PCI bus:device.function such as 00:1f.3",
}


class ConfigError(Exception):
    """A board or scenario that cannot be used; `messages` lists every problem."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def _label(elem) -> str:
    key = KEY_ATTRS.get(elem.tag)
    if key and elem.get(key) is not None:
        return f'<{elem.tag} {key}="{elem.get(key)}">'
    return f"<{elem.tag}>"


def where(elem, attr: str | None = None) -> str:
    """The element's path below the root element, e.g. <vm id="0">/<memory>/<size>."""
    parts = []
    node = elem
    while node is not None and (node.getparent() is not None or node is elem):
        parts.append(_label(node))
        node = node.getparent()
    text = "/".join(reversed(parts))
    return f"{text}/@{attr}" if attr else text


def _child(elem, index):
    try:
        child = elem[index]
    except (IndexError, TypeError):
        return None
    return child if isinstance(child.tag, str) else None


def _allowed(validator) -> list[str]:
    try:
        return [e.name for e in validator.iter_elements()]
    except AttributeError:
        return []


def xsd_message(err) -> tuple[object, str]:
    """(element the error is about, `file:line: <path> ...` text) for one xmlschema error."""
    elem, reason = err.elem, str(err.reason or err.message)
    if hasattr(err, "index") and elem is not None:          # the content model of `elem`
        return _content_message(err, elem, reason)
    m = re.match(r"'([\w:.-]+)' attribute not allowed", reason)
    if m:
        allowed = sorted(k for k in getattr(err.validator, "keys", lambda: [])() if k)
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return elem, f"{where(elem)}: unknown attribute '{m.group(1)}'{hint}"
    m = re.match(r"missing required attribute '([\w:.-]+)'", reason)
    if m:
        return elem, f"{where(elem)}: missing attribute '{m.group(1)}'"
    attr = None
    m = re.match(r"attribute ([\w:.-]+)=(?:'[^']*'|\"[^\"]*\"): ", reason)
    if m:
        attr, reason = m.group(1), reason[m.end():]
    value = err.obj if isinstance(err.obj, str) else None
    shown = f" '{value}'" if value is not None else ""
    target = where(elem, attr) if elem is not None else "<?>"
    type_name = getattr(getattr(err.validator, "parent", None), "name", None)
    if "pattern" in reason and type_name in TYPE_HINTS:
        return elem, f"{target}{shown}: {TYPE_HINTS[type_name]}"
    m = re.match(r"value must be one of (\[.*\])", reason)
    if m:
        choices = ", ".join(re.findall(r"'([^']*)'", m.group(1)))
        return elem, f"{target}{shown}: must be one of {choices}"
    return elem, f"{target}{shown}: {reason.rstrip('.')}"


def _content_message(err, elem, reason: str):
    child = _child(elem, err.index)
    expected = [e.name for e in (err.expected or []) if getattr(e, "name", None)]
    allowed = _allowed(err.validator)
    if "not complete" in reason:
        return elem, f"{where(elem)}: missing <{'>, <'.join(expected) or '?'}>"
    if child is None:
        return elem, f"{where(elem)}: {reason.rstrip('.')}"
    if child.tag not in allowed:
        names = ", ".join(f"<{t}>" for t in allowed) or "none"
        return child, f"{where(child)}: unknown element <{child.tag}> (allowed in <{elem.tag}>: {names})"
    if expected:
        return child, f"{where(child)}: missing <{'>, <'.join(expected)}> before <{child.tag}>"
    return child, f"{where(child)}: <{child.tag}> is out of order or repeated (the order is: {', '.join(allowed)})"


def located(path: str, elem, text: str) -> str:
    line = getattr(elem, "sourceline", None)
    return f"{path}:{line}: {text}" if line else f"{path}: {text}"
