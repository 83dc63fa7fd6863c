"""Small field checks shared by the services. Each raises ValidationError naming the field and the rule."""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import TextChoices

MAX_ABS_VALUE = Decimal("1e16")
# Ids are 64-bit: a larger number cannot name anything (and SQLite refuses to compare with it).
MAX_ID = 2**63 - 1
# Free text (a goal's why, description and identity, a check-in's note): room for any honest use, and a bound
# so that no client stores megabytes in a field that every page, export and API list shows.
MAX_TEXT_LENGTH = 10_000
# Names and titles, as their columns hold them.
MAX_NAME_LENGTH = 300
# Weights are relative; a cap keeps every weighted sum of a rollup finite (math.fsum overflows near 1e308).
MAX_WEIGHT = 1_000_000


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def check_weight(value, field: str = "weight") -> float:
    if not _is_number(value) or not 0 <= value <= MAX_WEIGHT:
        raise ValidationError({field: f"A weight is a finite number of zero or more, at most {MAX_WEIGHT:,}."})
    return float(value)


def check_fraction(value, field: str) -> float:
    if not _is_number(value) or not 0 <= value <= 1:
        raise ValidationError({field: "Enter a number between 0 and 1."})
    return float(value)


def check_choice(value: str, choices: type[TextChoices], field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: f"Unknown value {value!r}: choose one of {', '.join(choices.values)}."})
    return value


def check_int_range(value, field: str, low: int, high: int, noun: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError({field: f"{noun} is a whole number from {low} to {high}."})
    return value


def to_decimal(value, field: str) -> Decimal:
    """A finite number that fits the stored precision (16 digits before the point, 4 after)."""
    if isinstance(value, bool) or value is None:
        raise ValidationError({field: "Enter a number."})
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: "Enter a number."}) from None
    if not number.is_finite():
        raise ValidationError({field: "Enter a finite number."})
    if abs(number) >= MAX_ABS_VALUE:
        raise ValidationError({field: "Enter a number smaller than 10^16 in size."})
    return number.quantize(Decimal("0.0001"))


def check_known_fields(fields: Iterable[str], allowed: Iterable[str]) -> None:
    """Refuse, naming each, the fields a service does not change (a move, say, has a service of its own)."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})


def check_text(value, field: str, max_length: int = MAX_TEXT_LENGTH) -> str:
    """Text that the database can hold: a string of at most `max_length` characters, without NUL characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: "Enter text."})
    if len(value) > max_length:
        raise ValidationError({field: f"At most {max_length:,} characters, not {len(value):,}."})
    if "\x00" in value:
        raise ValidationError({field: "Text cannot contain NUL characters."})
    return value


class FieldsPermissionDenied(PermissionDenied):
    """The actor may not write these fields: a 403 that names each field and the rule (`{field: message}`)."""

    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        super().__init__(" ".join(f"{name}: {message}" for name, message in fields.items()))
