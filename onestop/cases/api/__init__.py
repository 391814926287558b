"""The cases' API: applications and cases for citizens and the apps acting for them
(``citizen``), and the back office of service modules (``modules``)."""

from ninja import Router

from onestop.cases.api import citizen, modules

router = Router()
router.add_router("", citizen.router)
router.add_router("", modules.router)
