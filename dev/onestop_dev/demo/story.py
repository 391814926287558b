"""The demo citizen's applications at the start: a draft and a case in each state a
citizen meets, made through the same actions as live ones (she fills in the form, takes
her ID card from the wallet and submits; the Guangzhou officer answers), so that "my
applications" shows every progress state, and her wallet a certificate from a case, from
the first login. The same data gives the same story."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from onestop.cases.actions import (
    do_officer_transition,
    do_rate,
    do_save_answers,
    do_start_application,
    do_submit_application,
    do_use_wallet_certificate,
)
from onestop.cases.lifecycle import Decision, Transition
from onestop.catalogue.access import access_service_item
from onestop.certificates.access import usable_for
from onestop_dev.demo.accounts import DEMO_ACTOR
from onestop_dev.demo.generator import DemoProvince

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant

COUNTY = "440106"  # Tianhe, Guangzhou: her city-level cases go to the city's bureau
STORY_BUREAU = "440100-rs"  # the Guangzhou human resources and social security bureau
ADDRESS = "广东省广州市天河区体育西路（演示地址）100号"

# (transition, comment, decision, what is missing)
Step = tuple[Transition, str, str, tuple[str, ...]]
ACCEPT: Step = (Transition.ACCEPT, "材料齐全，予以受理", "", ())
REVIEW: Step = (Transition.START_REVIEW, "开始审查", "", ())
APPROVE: Step = (Transition.DECIDE, "经审查符合条件，准予办理", Decision.APPROVED, ())
CONCLUDE: Step = (Transition.CONCLUDE, "办结", "", ())


@dataclass(frozen=True)
class StoryApplication:
    item: str  # the item's name in the demo catalogue
    purpose: str
    steps: tuple[Step, ...] = ()
    submit: bool = True
    rating: tuple[int, tuple[str, ...], str] | None = None  # score, tags, comment


# Oldest first: "my applications" lists the newest first.
STORY = (
    StoryApplication(
        "个人权益记录查询",
        "打印个人社保权益记录，用于办理居住证",
        (ACCEPT, REVIEW, APPROVE, CONCLUDE),
        rating=(5, ("fast", "no_trip"), "全程网上办，很方便"),
    ),
    StoryApplication("社会保障卡换领", "社保卡芯片损坏，申请换领新卡", (ACCEPT, REVIEW, APPROVE, CONCLUDE)),
    StoryApplication(
        "工伤认定",
        "上班途中受伤，申请工伤认定",
        (
            ACCEPT,
            REVIEW,
            (Transition.SUSPEND, "需调查核实事故经过，进入特别程序（调查核实时间不计入办理时限）", "", ()),
        ),
    ),
    StoryApplication("失业登记", "办理失业登记，申领就业服务", (ACCEPT, REVIEW)),
    StoryApplication("城乡居民基本养老保险参保登记", "为本人办理城乡居民养老保险参保", (ACCEPT,)),
    StoryApplication(
        "灵活就业人员参保登记",
        "以灵活就业人员身份参加企业职工养老保险",
        ((Transition.REQUEST_CORRECTION, "请补充灵活就业情况说明后重新提交", "", ("灵活就业情况说明",)),),
    ),
    StoryApplication("职业技能提升补贴申领", "取得职业技能等级证书后申领补贴"),
    StoryApplication("就业登记", "办理就业登记", submit=False),
)


def load_citizen_story(province: DemoProvince, tenant: Tenant, *, citizen: User, officer: User) -> None:
    """Apply as ``citizen`` for each application of the story and let ``officer`` (of the
    bureau the cases go to) take its steps; the certificate of the approved renewal is
    issued into her wallet by the conclusion, as for any approved case."""
    codes = {item.name: item.code for item in province.items}
    for application in STORY:
        item = access_service_item(tenant, codes[application.item])
        draft = do_start_application(actor=DEMO_ACTOR, user=citizen, tenant=tenant, item=item)
        answers: dict[str, Any] = {"county": COUNTY, "address": ADDRESS}
        if application.submit:
            answers |= {"purpose": application.purpose, "pledge": True}
        draft = do_save_answers(actor=DEMO_ACTOR, application=draft, answers=answers)
        if not application.submit:
            continue  # a draft left after the first step of the form
        for material in item.materials.all():
            # The ID card comes from the wallet: no upload, no trip.
            held = usable_for(tenant, citizen, material.certificate_type)
            if material.required and held:
                draft = do_use_wallet_certificate(
                    actor=DEMO_ACTOR,
                    application=draft,
                    material_order=material.order,
                    credential_id=held[0].credential_id,
                )
        case = do_submit_application(actor=DEMO_ACTOR, application=draft)
        for transition, comment, decision, missing in application.steps:
            case = do_officer_transition(
                actor=DEMO_ACTOR,
                officer=officer,
                case=case,
                transition=transition,
                comment=comment,
                decision=decision,
                missing=missing,
            )
        if application.rating is not None:
            score, tags, comment = application.rating
            do_rate(actor=DEMO_ACTOR, applicant=citizen, case=case, score=score, tags=tags, comment=comment)
