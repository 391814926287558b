"""Synthetic residents of the demo province for the sandbox population registry: names
and well-formed ID numbers (GB 11643) of people who do not exist, the same for a seed."""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache

from onestop.identity.actions import ResidentSpec
from onestop.identity.idnumber import make_id_number
from onestop_dev.demo.data import regions as region_data

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍鹏辉建国红梅志飞宇浩晨欣怡子轩雨涵梓萱思远嘉俊佳琪婷晓东海燕文博泽宁慧颖"
COUNTIES = [code for _city, _name, _en, counties in region_data.CITIES for code, _n, _e in counties]


@cache  # a quarter of a second, asked for by the loader, the accounts and the printout
def build_residents(count: int = 10_000, seed: int = 2019) -> tuple[ResidentSpec, ...]:
    rng = random.Random(seed)
    residents: list[ResidentSpec] = []
    seen: set[str] = set()
    while len(residents) < count:
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 68 * 365))
        number = make_id_number(rng.choice(COUNTIES), birth, rng.randrange(1, 1000))
        if number in seen:
            continue
        seen.add(number)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        # About one record in a hundred is cancelled (deceased, moved abroad).
        status = "cancelled" if rng.random() < 0.01 else "normal"
        residents.append(ResidentSpec(name=name, id_number=number, status=status))
    return tuple(residents)
