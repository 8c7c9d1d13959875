"""Verdicts on a questionnaire (README §5): 两不愁三保障, exit eligibility, monitoring type."""

from decimal import Decimal

from server.domain import income, lines

# The order of `unmet_guarantees` in the summary: the order of section D of the form.
GUARANTEES = (
    "food_secure",
    "clothing_secure",
    "education_ok",
    "medical_ok",
    "housing_ok",
    "water_quantity_ok",
    "water_quality_ok",
    "water_convenient_ok",
    "water_reliable_ok",
)
DERIVED_GUARANTEES = ("medical_ok", "housing_ok")
DANGEROUS_GRADES = frozenset({"C", "D"})
EXITED_STATUSES = frozenset({"已脱贫", "脱贫不稳定户"})
POOR_STATUS = "未脱贫"
#: Every type `monitoring_type` gives (防返贫监测对象): what a list may be filtered by.
MONITORING_TYPES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")


def medical_ok(document: dict, counted: list[dict] | None = None) -> bool:
    """Every counted member is in one of the two basic medical insurances.

    `counted`: the document's counted members, when the caller has them already.
    """
    if counted is None:
        counted = income.counted_members(document.get("members"))
    for member in counted:
        if not member.get("medical_insurance"):
            return False
    return True


def housing_ok(document: dict) -> bool:
    """Only grades C and D are dangerous houses."""
    return (document.get("household") or {}).get("danger_grade") not in DANGEROUS_GRADES


def guarantee_values(document: dict, counted: list[dict] | None = None) -> dict[str, bool | None]:
    """Typed items from section D (None when missing) plus the two derived ones."""
    typed = document.get("guarantees") or {}
    values = {key: typed.get(key) for key in GUARANTEES}
    values["medical_ok"] = medical_ok(document, counted)
    values["housing_ok"] = housing_ok(document)
    return values


def unmet_guarantees(document: dict, counted: list[dict] | None = None) -> list[str]:
    """A missing answer is unmet: the surveyor must confirm each item, not leave it blank."""
    values = guarantee_values(document, counted)
    return [key for key, value in values.items() if value is not True]


def exit_eligible(per_capita: Decimal | None, met: bool, campaign_lines: list[dict]) -> bool:
    line = lines.by_purpose(campaign_lines, "exit")
    if line is None or per_capita is None:
        return False
    return lines.satisfies(per_capita, line) and met


def monitoring_type(document: dict, per_capita: Decimal | None, campaign_lines: list[dict]):
    """突发严重困难户 first; then income on the monitoring line's side with a risk."""
    causes = document.get("causes") or {}
    if causes.get("sudden_hardship") is True:
        return "突发严重困难户"
    line = lines.by_purpose(campaign_lines, "monitoring")
    if line is None or not lines.satisfies(per_capita, line) or not causes.get("risks"):
        return None
    status = (document.get("household") or {}).get("status")
    if status in EXITED_STATUSES:
        return "脱贫不稳定户"
    if status == POOR_STATUS:
        return None  # still a poor household: helped as such, not monitored
    return "边缘易致贫户"
