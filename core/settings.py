"""Settings schemas: declared by plugins and the core, rendered and validated by the admin."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core import inputs
from core.i18n import gettext_lazy as _


class SettingError(ValueError):
    """A submitted setting value is invalid; the message is shown beside the field."""


@dataclass(frozen=True)
class SettingField:
    """One setting: its key, label, type and default.

    ``type`` is one of ``"text"``, ``"textarea"``, ``"int"``, ``"bool"``,
    ``"choice"`` (``choices`` is a list of ``(value, label)``), ``"url"``,
    ``"email"``, ``"password"`` (never shown back; left empty, the stored value is kept).
    ``min``/``max`` bound an ``int``.
    """

    name: str
    label: Any
    type: str = "text"
    default: Any = ""
    help: Any = ""
    choices: tuple = ()
    min: int | None = None
    max: int | None = None
    required: bool = False
    extra: dict = field(default_factory=dict)

    def parse(self, raw: str | None) -> Any:
        """Turn a submitted form value into the stored value, or raise SettingError."""
        if self.type == "bool":
            return raw in ("1", "on", "true", "yes")
        raw = (raw or "").strip()
        if not raw:
            if self.required:
                raise SettingError(_("This field is required."))
            return self.default if self.type == "int" else ""
        if self.type == "int":
            try:
                return inputs.integer(raw, minimum=inputs.MIN_INT if self.min is None else self.min,
                                      maximum=inputs.MAX_INT if self.max is None else self.max)
            except inputs.InvalidInput as exc:
                raise SettingError(str(exc)) from None
        if self.type == "choice":
            if raw not in [str(value) for value, _label in self.choices]:
                raise SettingError(_("Choose one of the proposed values."))
            return raw
        try:
            if self.type == "url":
                return inputs.url(raw)
            if self.type == "email":
                return inputs.email(raw)
        except inputs.InvalidInput as exc:
            raise SettingError(str(exc)) from None
        return raw


def validate(fields: list[SettingField], form) -> tuple[dict, dict]:
    """Parse ``form`` against ``fields``; return ``(values, errors)`` keyed by field name."""
    values, errors = {}, {}
    for f in fields:
        try:
            values[f.name] = f.parse(form.get(f.name))
        except SettingError as exc:
            errors[f.name] = str(exc)
            values[f.name] = form.get(f.name, "")
    return values, errors


def defaults(fields: list[SettingField]) -> dict:
    """Return the default value of each field."""
    return {f.name: f.default for f in fields}
