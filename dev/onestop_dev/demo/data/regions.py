"""Regions of the demo province: GB/T 2260 codes and names of Guangdong's cities and
their districts and counties (public facts)."""

PROVINCE = ("440000", "广东省", "Guangdong")

# city code, name, English name, [(county code, name, English name), ...]
CITIES: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    (
        "440100",
        "广州市",
        "Guangzhou",
        [
            ("440103", "荔湾区", "Liwan District"),
            ("440104", "越秀区", "Yuexiu District"),
            ("440105", "海珠区", "Haizhu District"),
            ("440106", "天河区", "Tianhe District"),
            ("440111", "白云区", "Baiyun District"),
            ("440112", "黄埔区", "Huangpu District"),
            ("440113", "番禺区", "Panyu District"),
            ("440114", "花都区", "Huadu District"),
            ("440115", "南沙区", "Nansha District"),
            ("440117", "从化区", "Conghua District"),
            ("440118", "增城区", "Zengcheng District"),
        ],
    ),
    (
        "440200",
        "韶关市",
        "Shaoguan",
        [
            ("440203", "武江区", "Wujiang District"),
            ("440204", "浈江区", "Zhenjiang District"),
            ("440205", "曲江区", "Qujiang District"),
            ("440222", "始兴县", "Shixing County"),
            ("440224", "仁化县", "Renhua County"),
            ("440229", "翁源县", "Wengyuan County"),
            ("440232", "乳源瑶族自治县", "Ruyuan Yao Autonomous County"),
            ("440233", "新丰县", "Xinfeng County"),
            ("440281", "乐昌市", "Lechang"),
            ("440282", "南雄市", "Nanxiong"),
        ],
    ),
    (
        "440300",
        "深圳市",
        "Shenzhen",
        [
            ("440303", "罗湖区", "Luohu District"),
            ("440304", "福田区", "Futian District"),
            ("440305", "南山区", "Nanshan District"),
            ("440306", "宝安区", "Bao'an District"),
            ("440307", "龙岗区", "Longgang District"),
            ("440308", "盐田区", "Yantian District"),
            ("440309", "龙华区", "Longhua District"),
            ("440310", "坪山区", "Pingshan District"),
            ("440311", "光明区", "Guangming District"),
        ],
    ),
    (
        "440400",
        "珠海市",
        "Zhuhai",
        [
            ("440402", "香洲区", "Xiangzhou District"),
            ("440403", "斗门区", "Doumen District"),
            ("440404", "金湾区", "Jinwan District"),
        ],
    ),
    (
        "440500",
        "汕头市",
        "Shantou",
        [
            ("440507", "龙湖区", "Longhu District"),
            ("440511", "金平区", "Jinping District"),
            ("440512", "濠江区", "Haojiang District"),
            ("440513", "潮阳区", "Chaoyang District"),
            ("440514", "潮南区", "Chaonan District"),
            ("440515", "澄海区", "Chenghai District"),
            ("440523", "南澳县", "Nan'ao County"),
        ],
    ),
    (
        "440600",
        "佛山市",
        "Foshan",
        [
            ("440604", "禅城区", "Chancheng District"),
            ("440605", "南海区", "Nanhai District"),
            ("440606", "顺德区", "Shunde District"),
            ("440607", "三水区", "Sanshui District"),
            ("440608", "高明区", "Gaoming District"),
        ],
    ),
]
