"""A realistic case history for the demo: thousands of cases over the last months in every
state, some overdue, most concluded and rated. The same seed and load day give the same
history."""

from __future__ import annotations

import random
from datetime import date, timedelta

from onestop.cases.actions import HistorySpec
from onestop.cases.lifecycle import Transition
from onestop.catalogue.specs import ServiceItemSpec
from onestop.workdays.calendar import WorkCalendar
from onestop_dev.demo.data import regions as region_data

COUNTIES = [code for _c, _n, _e, counties in region_data.CITIES for code, _n2, _e2 in counties]
# Where a case ends up, with its weight.
PATHS = [
    ("received", 6),
    ("correction", 3),
    ("not_accepted", 3),
    ("accepted", 8),
    ("review", 14),
    ("special", 3),
    ("decided", 4),
    ("concluded", 52),
    ("withdrawn", 4),
    ("late", 3),
]
SCORES = [(5, 82), (4, 10), (3, 4), (2, 2), (1, 2)]
GOOD_TAGS = ["fast", "clear_guide", "no_trip"]
BAD_TAGS = ["deadline_exceeded", "conditions_not_in_guide", "materials_not_in_guide", "attitude"]


def _answers(rng: random.Random, item: ServiceItemSpec) -> tuple[dict[str, object], str]:
    county = rng.choice(COUNTIES) if item.exercise_level in ("county", "city") else ""
    if item.audience == "person":
        data: dict[str, object] = {
            "address": f"广东省某市某区演示路{rng.randint(1, 300)}号",
            "pledge": True,
        }
    else:
        code = (
            "91440" + "".join(rng.choice("0123456789") for _ in range(12)) + rng.choice("0123456789ABCDEFGH")
        )
        data = {
            "company_name": f"演示{rng.choice(['科技', '贸易', '餐饮', '物流', '建设'])}有限公司{rng.randint(1, 999)}",
            "credit_code": code[:18],
            "business_address": f"广东省某市演示大道{rng.randint(1, 500)}号",
            "pledge": True,
        }
    if county:
        data["county"] = county
    return data, county


def build_history(
    items: list[ServiceItemSpec],
    applicant_ids: list[int],
    *,
    today: date,
    count: int = 3000,
    seed: int = 2019,
) -> list[HistorySpec]:
    rng = random.Random(seed)
    calendar = WorkCalendar.from_entries()
    weights = [max(1, i.popularity) for i in items]
    paths, path_weights = zip(*PATHS, strict=True)
    histories = []
    for _ in range(count):
        item = rng.choices(items, weights=weights)[0]
        path = rng.choices(paths, weights=path_weights)[0]
        recent = path in ("received", "correction", "accepted", "review", "special")
        back = rng.randint(0, 8) if recent else rng.randint(10, 120)
        received = today - timedelta(days=back)
        on = received
        steps: list[tuple[str, date, str, str]] = []

        def step(
            transition: Transition,
            days: int,
            comment: str,
            decision: str = "",
            steps: list[tuple[str, date, str, str]] = steps,
        ) -> None:
            nonlocal on
            on = min(today, calendar.add_working_days(on, days).day)
            steps.append((transition.value, on, comment, decision))

        if path == "correction":
            step(Transition.REQUEST_CORRECTION, rng.randint(0, 2), "请补充材料：身份证明复印件不清晰")
        elif path == "not_accepted":
            step(
                Transition.NOT_ACCEPT,
                rng.randint(0, 3),
                "不属于本部门职权范围",
            )
        elif path != "received":
            step(Transition.ACCEPT, rng.randint(0, 2), "材料齐全，予以受理")
            if path == "accepted":
                pass
            elif path == "withdrawn":
                step(Transition.WITHDRAW, rng.randint(0, 3), "申请人主动撤回")
            else:
                step(Transition.START_REVIEW, rng.randint(0, 1), "开始审查")
                if path == "special":
                    step(Transition.SUSPEND, rng.randint(0, 2), "需现场核查，进入特别程序")
                elif path != "review":
                    late = path == "late"
                    limit = item.committed_limit_days
                    days = limit + rng.randint(1, 5) if late else rng.randint(0, max(0, limit - 1))
                    decision = "refused" if rng.random() < 0.05 else "approved"
                    step(
                        Transition.DECIDE,
                        days,
                        "经审查符合条件，准予许可" if decision == "approved" else "不符合条件",
                        decision,
                    )
                    if path in ("concluded", "late"):
                        step(Transition.CONCLUDE, rng.randint(0, 1), "办结")
        rating = None
        if path in ("concluded", "late") and rng.random() < 0.7:
            score = 2 if path == "late" and rng.random() < 0.5 else rng.choices(*zip(*SCORES, strict=True))[0]
            pool = BAD_TAGS if score <= 2 else GOOD_TAGS
            rating = (score, tuple(sorted(set(rng.sample(pool, rng.randint(0, 2))))))
        data, county = _answers(rng, item)
        histories.append(
            HistorySpec(
                applicant_id=rng.choice(applicant_ids),
                item_code=item.code,
                received_on=received,
                data=data,
                steps=tuple(steps),
                county_code=county,
                rating=rating,
            )
        )
    return histories
