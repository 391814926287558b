"""The demo catalogue: service items per functional line.

One row per item: name | English name | type | variants | keywords | audience | themes |
extra materials | flags. Types: XK licensing, QR confirmation, GF benefit, ZS levy, JC
inspection, JL reward, CJ adjudication, CF penalty, QZ enforcement, QT other, GG public
service. Variants N/C/R/X (new, change, renewal, cancellation) expand into one item each.
Flags: ! needs a visit (for a licence with variants, only when new), * popular, $N fee in yuan, L4 needs a face check.
Item names are those of real public service items (public facts).
"""

ITEMS = {
    "ga": """
居民身份证首次申领|First application for a resident identity card|GG|-|身份证,办证|P|p-certificates|hk,zp|!
居民身份证换领|Renewal of a resident identity card|GG|-|身份证,换证|P|p-certificates|zp|*$20
居民身份证补领|Replacement of a lost resident identity card|GG|-|身份证,补办|P|p-certificates|zp|$40
临时居民身份证申领|Application for a temporary identity card|GG|-|临时身份证|P|p-certificates|zp|!$10
出生登记|Household registration of a newborn|QR|-|上户口,新生儿落户|P|p-birth,p-household|cs,hk,jh|*
死亡注销户口|Cancelling the household registration of a deceased person|QR|-|销户|P|p-funeral,p-household|hk,swzm|
户口省内迁移|Moving household registration within the province|QR|-|迁户口,户口迁移|P|p-household|hk|
夫妻投靠落户|Household registration joining a spouse|QR|-|投靠,落户|P|p-household,p-marriage|hk,jh|
父母投靠子女落户|Household registration of parents joining their children|QR|-|投靠,落户|P|p-household|hk|
大中专院校毕业生落户|Household registration for graduates|QR|-|毕业生落户,人才引进|P|p-household,p-employment|xl,hk|
人才引进落户|Household registration under talent introduction|QR|-|人才落户|P|p-household,p-employment|xl|
户籍证明开具|Certificate of household registration|QR|-|户籍证明,开证明|P|p-household|hk|
无犯罪记录证明开具|Certificate of no criminal record|QR|-|无犯罪证明,开证明|P|p-certificates,p-employment||*
居住证申领|Application for a residence permit|GG|-|居住证,积分|P|p-household|ht|
居住证签注|Annual endorsement of a residence permit|GG|-|居住证签注|P|p-household||
姓名变更登记|Change of a registered name|QR|-|改名|P|p-household|hk|!
户口簿补领|Replacement of a household register booklet|GG|-|户口本补办|P|p-household||
亲属关系证明开具|Certificate of family relationship|QR|-|亲属关系,开证明|P|p-household|hk|
犬只登记|Dog registration|QR|N,R,X|养狗,犬证|P|p-certificates||
民用爆炸物品购买许可|Permit to purchase civil explosives|XK|N,C|爆炸物品|B|b-permits,b-safety|cd,zm|!
保安服务公司设立许可|Licence to establish a security services company|XK|N,C,X|保安公司|B|b-permits|cd,zm|
公章刻制备案|Filing of official seal engraving|QR|-|刻章,印章|B|b-setup||
旅馆业特种行业许可|Special trade licence for hotels|XK|N,C,X|旅馆,酒店|B|b-permits,b-culture|cd,xf|
典当业特种行业许可|Special trade licence for pawnshops|XK|N,C,X|典当|B|b-permits|cd|
大型群众性活动安全许可|Safety permit for large public events|XK|-|大型活动|B|b-permits,b-safety|zm|
易制毒化学品购买备案|Filing of purchases of precursor chemicals|QR|-|易制毒|B|b-permits,b-safety|zm|
剧毒化学品购买许可|Permit to purchase highly toxic chemicals|XK|-|剧毒化学品|B|b-permits,b-safety|zm|!
户口登记项目变更更正|Correcting household registration details|QR|-|户口更正|P|p-household|hk|
随迁子女落户|Household registration of accompanying children|QR|-|子女落户|P|p-household,p-birth|hk,cs|
集体户口迁入|Moving into a collective household|QR|-|集体户|P|p-household||
居民身份证异地受理|Identity card applications away from home|GG|-|异地办证,身份证|P|p-certificates|zp|
""",
    "crj": """
普通护照签发|Issue of an ordinary passport|XK|-|护照,办护照|P|p-exit|zp|!*$120
普通护照换发|Renewal of an ordinary passport|XK|-|护照,换护照|P|p-exit|zp|$120
普通护照补发|Replacement of a lost passport|XK|-|护照补办|P|p-exit|zp|!$120
往来港澳通行证签发|Issue of a travel permit for Hong Kong and Macao|XK|-|港澳通行证,港澳|P|p-exit|zp|!$60
往来港澳通行证换发|Renewal of a travel permit for Hong Kong and Macao|XK|-|港澳通行证,港澳|P|p-exit|zp|*$60
赴港澳团队旅游签注|Group tourism endorsement for Hong Kong and Macao|XK|-|港澳签注,签注|P|p-exit||$15
赴港澳个人旅游签注|Individual tourism endorsement for Hong Kong and Macao|XK|-|港澳签注,签注,个人游|P|p-exit||*$15
赴港澳探亲签注|Family visit endorsement for Hong Kong and Macao|XK|-|签注,探亲|P|p-exit||$15
赴港澳商务签注|Business endorsement for Hong Kong and Macao|XK|-|签注,商务|P|p-exit||$15
往来台湾通行证签发|Issue of a travel permit for Taiwan|XK|-|台湾通行证|P|p-exit|zp|!$60
赴台湾签注|Endorsement for Taiwan|XK|-|赴台签注|P|p-exit||$15
出入境记录查询|Records of exit and entry|GG|-|出入境记录|P|p-exit||
外国人居留许可|Residence permit for foreigners|XK|N,C,R|外国人居留|P|p-exit|zm|!
外国人签证延期|Visa extension for foreigners|XK|-|签证延期|P|p-exit|zm|!
港澳台居民居住证申领|Residence permit for Hong Kong, Macao and Taiwan residents|GG|-|港澳居住证|P|p-exit,p-household|zm|!
出入境证件遗失声明|Declaration of lost exit and entry documents|QR|-|证件遗失|P|p-exit||
""",
    "jj": """
机动车驾驶证期满换证|Renewal of a driving licence on expiry|XK|-|驾驶证,换证,驾照|P|p-transport|jsz,tj|*$10
机动车驾驶证遗失补证|Replacement of a lost driving licence|XK|-|驾驶证补办,驾照|P|p-transport||$10
机动车驾驶证审验|Periodic review of a driving licence|QR|-|驾驶证审验,驾照|P|p-transport|jsz|
驾驶人提交身体条件证明|Submitting a driver's medical certificate|QR|-|体检|P|p-transport|tj|
机动车注册登记|First registration of a motor vehicle|QR|-|上牌,新车上牌|P|p-transport|jdc|!
机动车转移登记|Transfer of ownership of a motor vehicle|QR|-|过户,二手车|P|p-transport|jdc|!
机动车注销登记|Deregistration of a motor vehicle|QR|-|报废|P|p-transport|jdc|
机动车检验标志核发|Issue of a vehicle inspection mark|QR|-|年检,年审|P|p-transport|jdc|*
机动车号牌补领|Replacement of lost number plates|GG|-|补牌|P|p-transport|jdc|
交通违法处理|Handling a traffic violation|CF|-|违章,罚款,交通违法|P|p-transport|jsz|*
交通事故快处快赔|Quick settlement of minor traffic accidents|CJ|-|交通事故,快处快赔|P|p-transport|jsz|
临时号牌核发|Issue of temporary number plates|XK|-|临牌|P|p-transport||
恢复驾驶资格|Restoring a driving qualification|XK|-|驾驶资格|P|p-transport||!
校车使用许可|Permit to use a school bus|XK|N,R,X|校车|B|b-transport|jdc,zm|
驾驶人记分查询|Driver penalty points enquiry|GG|-|驾驶证查询,记分|P|p-transport||
""",
    "rs": """
社会保障卡申领|Application for a social security card|GG|-|社保卡,社保|P|p-social|zp|*
社会保障卡补领|Replacement of a lost social security card|GG|-|社保卡补办,社保|P|p-social||
社会保障卡换领|Renewal of a social security card|GG|-|社保卡换卡,社保|P|p-social||
社会保障卡挂失|Reporting a lost social security card|GG|-|社保卡挂失,社保|P|p-social||
个人参保证明查询打印|Printing a personal social insurance record|GG|-|社保证明,参保证明,社保|P|p-social,p-employment||*
职工参保登记|Social insurance registration of employees|QR|-|参保,社保|B|b-social,b-hr||
单位社会保险登记|Social insurance registration of employers|QR|N,C,X|社保开户,社保|B|b-social,b-setup||
灵活就业人员参保登记|Social insurance for the flexibly employed|QR|-|灵活就业,社保|P|p-social,p-employment||
城乡居民基本养老保险参保登记|Enrolment in residents' basic pension insurance|QR|-|居民养老,社保|P|p-social||
养老保险关系转移接续|Transfer of pension insurance between regions|GG|-|社保转移,养老转移,社保|P|p-social||
基本养老金申领|Claiming a basic pension|GF|-|退休金,养老金,社保|P|p-retire,p-social|sbk|L4
养老保险待遇资格认证|Annual pension eligibility check|QR|-|资格认证,刷脸认证,社保|P|p-retire,p-social||L4
失业保险金申领|Claiming unemployment insurance benefit|GF|-|失业金,社保|P|p-employment,p-social|sbk|*
失业登记|Unemployment registration|QR|-|失业|P|p-employment||
就业登记|Employment registration|QR|-|就业|P|p-employment||
就业创业证申领|Employment and entrepreneurship certificate|GG|-|就业创业证|P|p-employment||
创业担保贷款申请|Guaranteed loans for start-ups|GF|-|创业贷款|P|p-employment|ht|
一次性创业资助申领|One-off start-up grant|GF|-|创业补贴|P|p-employment|yyzz|
职业技能提升补贴申领|Skills upgrading subsidy|GF|-|技能补贴|P|p-employment,p-qualification||
工伤认定|Work injury determination|QR|-|工伤|P|p-social|zm|
工伤保险待遇核定|Determination of work injury benefits|GF|-|工伤待遇|P|p-social|zm|
劳动能力鉴定|Assessment of working capacity|QR|-|劳动能力鉴定|P|p-social|zm|!
丧葬补助金和抚恤金申领|Funeral grant and survivors' pension|GF|-|丧葬费,抚恤金,社保|P|p-funeral,p-social|swzm|
劳务派遣经营许可|Labour dispatch licence|XK|N,C,R,X|劳务派遣|B|b-permits,b-hr|yyzz,cd|
人力资源服务许可|Human resources services licence|XK|N,C,X|人力资源服务,职业中介|B|b-permits,b-hr|yyzz,cd|
技工学校设立审批|Approval to establish a technical school|XK|N,C,X|技工学校|B|b-permits|cd|!
特殊工时制度审批|Approval of special working-hour arrangements|XK|N,R|综合工时,不定时工作制|B|b-hr||
职业资格证书查询|Verification of vocational qualification certificates|GG|-|职业资格,证书查询|P|p-qualification||
专业技术人员职称评审|Professional title evaluation|QR|-|职称|P|p-qualification|xl|
劳动人事争议仲裁申请|Application for labour dispute arbitration|CJ|-|劳动仲裁,讨薪|P|p-employment,p-legal|ht|
拖欠工资投诉|Complaint about unpaid wages|CF|-|欠薪,讨薪|P|p-employment|ht|
高校毕业生就业见习补贴|Graduate internship subsidy|GF|-|见习补贴|B|b-hr||
企业吸纳就业补贴|Subsidy for companies hiring jobseekers|GF|-|吸纳就业|B|b-hr||
失业保险稳岗返还|Job retention refund of unemployment insurance|GF|-|稳岗补贴|B|b-hr,b-social||
个人权益记录查询|Personal social insurance records|GG|-|社保查询,缴费记录,社保|P|p-social||*
退休人员基本信息变更|Changing a retiree's details|GG|-|退休信息变更,社保|P|p-retire,p-social||
社会保险缴费基数申报|Declaring the social insurance contribution base|QR|-|缴费基数,社保|B|b-social||
职业培训机构设立审批|Approval of vocational training institutions|XK|N,C,X|职业培训学校|B|b-permits|cd|
职业技能等级证书补发|Reissue of a vocational skills certificate|GG|-|技能证书补办|P|p-qualification||
求职创业补贴申领|Job-seeking and start-up allowance|GF|-|求职补贴|P|p-employment||
社会保险费补缴|Paying social insurance arrears|ZS|-|社保补缴,社保|P|p-social||
养老保险个人账户一次性待遇申领|Lump-sum payout of a pension account|GF|-|养老账户退还,社保|P|p-social,p-retire||L4
""",
    "yb": """
城乡居民医保参保登记|Enrolment in residents' basic medical insurance|QR|-|医保,参保|P|p-medical,p-social||*
职工医保参保登记|Employee medical insurance registration|QR|-|医保|B|b-social||
医保关系转移接续|Transfer of medical insurance between regions|GG|-|医保转移|P|p-medical||
异地就医备案|Registration for medical treatment in another region|GG|-|异地就医,医保|P|p-medical||*
生育津贴申领|Claiming a maternity allowance|GF|-|生育津贴,产假|P|p-birth,p-medical|cs|
生育医疗费用报销|Reimbursement of childbirth medical costs|GF|-|生育报销|P|p-birth,p-medical|cs,fp|
零星医疗费用报销|Reimbursement of out-of-pocket medical costs|GF|-|医保报销|P|p-medical|fp|
门诊特定病种待遇认定|Entitlement for outpatient chronic conditions|QR|-|门特,慢性病|P|p-medical|bl|
医保电子凭证激活|Activating the electronic medical insurance card|GG|-|医保码,电子医保卡|P|p-medical||
个人医保缴费查询|Medical insurance contribution records|GG|-|医保查询|P|p-medical||
定点医药机构申请|Application to become a designated medical institution|QR|N,C,X|定点医院,定点药店|B|b-medical|yyzz,cd|!
医疗救助申请|Application for medical assistance|GF|-|医疗救助|P|p-medical|zm|
长期护理保险待遇申请|Long-term care insurance benefits|GF|-|长护险|P|p-medical,p-disability|bl|
医保个人账户家庭共济|Sharing a personal medical account with family|GG|-|家庭共济,医保|P|p-medical||
医保参保信息变更|Changing medical insurance details|GG|-|医保变更|P|p-medical||
""",
    "gjj": """
单位住房公积金缴存登记|Employer registration for the housing provident fund|QR|N,C,X|公积金开户,公积金|B|b-hr,b-setup||
住房公积金个人账户设立|Opening a personal provident fund account|QR|-|公积金|P|p-housing||
购房提取住房公积金|Withdrawing the provident fund to buy a home|GF|-|公积金提取,公积金|P|p-housing|bdc,ht|
租房提取住房公积金|Withdrawing the provident fund to pay rent|GF|-|公积金提取,租房提取,公积金|P|p-housing||*
退休提取住房公积金|Withdrawing the provident fund on retirement|GF|-|公积金提取,公积金|P|p-housing,p-retire||L4
离职提取住房公积金|Withdrawing the provident fund on leaving a job|GF|-|公积金提取,公积金|P|p-housing||L4
偿还贷款提取住房公积金|Withdrawing the provident fund to repay a mortgage|GF|-|公积金提取,还贷|P|p-housing|ht|
住房公积金贷款申请|Applying for a provident fund mortgage|GF|-|公积金贷款,房贷|P|p-housing|ht,bdc|!
住房公积金缴存证明|Certificate of provident fund contributions|GG|-|公积金证明|P|p-housing||
住房公积金异地转移接续|Moving a provident fund account between cities|GG|-|公积金转移|P|p-housing||
住房公积金贷款提前还款|Early repayment of a provident fund mortgage|GG|-|提前还款|P|p-housing||
住房公积金缴存基数调整|Adjusting the provident fund contribution base|QR|-|缴存基数|B|b-hr||
灵活就业人员住房公积金缴存|Voluntary provident fund contributions|QR|-|灵活就业公积金|P|p-housing,p-employment||
住房公积金贷款额度试算|Provident fund mortgage estimate|GG|-|贷款试算|P|p-housing||
""",
    "zj": """
建筑业企业资质核准|Construction enterprise qualification|XK|N,C,R,X|建筑资质|B|b-qualification,b-construction|yyzz,zm|
工程监理企业资质认定|Construction supervision firm qualification|XK|N,C,R,X|监理资质|B|b-qualification,b-construction|yyzz,zm|
建设工程勘察设计资质认定|Survey and design qualification|XK|N,C,R,X|设计资质|B|b-qualification,b-construction|yyzz,zm|
房地产开发企业资质核定|Real estate developer qualification|XK|N,C,R,X|房地产资质|B|b-qualification|yyzz,zm|
建筑施工企业安全生产许可|Work safety licence for construction firms|XK|N,C,R,X|安全生产许可|B|b-safety,b-construction|yyzz|
建筑工程施工许可|Construction works permit|XK|N,C|施工许可证|B|b-construction|gc|
二级建造师执业资格注册|Registration of class-2 constructors|XK|N,C,R,X|建造师|P|p-qualification|xl|
建筑施工特种作业人员操作资格|Certificate for special construction operations|XK|N,R|特种作业|P|p-qualification||
公共租赁住房申请|Applying for public rental housing|GF|-|公租房,保障房|P|p-housing|hk,zm|!
住房租赁登记备案|Registering a residential lease|QR|-|租赁备案,租房合同|P|p-housing|ht|
商品房预售许可|Pre-sale permit for commercial housing|XK|N,C|预售证|B|b-construction|gc|!
建设工程竣工验收备案|Filing of construction completion acceptance|QR|-|竣工验收|B|b-construction|gc|
燃气经营许可|Gas business licence|XK|N,C,R,X|燃气|B|b-permits|yyzz,cd|!
城市建筑垃圾处置核准|Approval for construction waste disposal|XK|N,C|建筑垃圾|B|b-construction,b-environment||
""",
    "mz": """
结婚登记|Marriage registration|QR|-|结婚,领证|P|p-marriage|hk|!*
离婚登记|Divorce registration|QR|-|离婚|P|p-marriage|hk,jh|!
补领婚姻登记证|Replacement of a marriage certificate|QR|-|补结婚证|P|p-marriage|hk|!
婚姻登记预约|Booking a marriage registration|GG|-|结婚预约|P|p-marriage||*
婚姻登记记录证明|Certificate of marriage registration records|QR|-|婚姻状况证明|P|p-marriage||
收养登记|Adoption registration|QR|-|收养|P|p-birth|zm|!
最低生活保障申请|Applying for the minimum living allowance|GF|-|低保|P|p-social|hk,zm|
特困人员救助供养|Support for people in extreme poverty|GF|-|特困供养|P|p-social|zm|
临时救助申请|Applying for temporary assistance|GF|-|临时救助|P|p-social|zm|
高龄老人津贴申领|Allowance for the very elderly|GF|-|高龄津贴,长寿金|P|p-retire||
困难残疾人生活补贴|Living subsidy for disabled people in hardship|GF|-|残疾人补贴|P|p-disability|cjz|
重度残疾人护理补贴|Care subsidy for severely disabled people|GF|-|护理补贴|P|p-disability|cjz|
社会团体登记|Registration of a social organisation|QR|N,C,X|社团|B|b-setup|zm|
民办非企业单位登记|Registration of a private non-enterprise unit|QR|N,C,X|民非|B|b-setup|zm|
养老机构备案|Filing of an elderly care institution|QR|N,C,X|养老院|B|b-permits|cd|
殡葬服务预约|Booking funeral services|GG|-|殡葬,火化|P|p-funeral|swzm|
地名命名审批|Approval of place names|XK|N,C|地名|B|b-construction||
慈善组织认定|Recognition of charitable organisations|QR|-|慈善组织|B|b-setup|zm|
公开募捐资格审核|Approval of public fundraising|XK|-|公开募捐|B|b-permits|zm|
孤儿基本生活费发放|Living allowance for orphans|GF|-|孤儿|P|p-social|zm|
事实无人抚养儿童认定|Recognition of de facto unsupported children|QR|-|无人抚养儿童|P|p-social|zm|
""",
    "wj": """
出生医学证明首次签发|First issue of a birth medical certificate|QR|-|出生证,出生医学证明|P|p-birth|jh|*
出生医学证明补发|Reissue of a birth medical certificate|QR|-|出生证补办|P|p-birth||!
生育登记|Birth registration for family services|GG|-|生育登记,准生证|P|p-birth|jh|
医疗机构执业登记|Practice registration of a medical institution|XK|N,C,R,X|诊所,医疗机构|B|b-medical|yyzz,cd|!
医师执业注册|Registration of physicians|XK|N,C,X|医师注册|P|p-qualification,p-medical|xl|
护士执业注册|Registration of nurses|XK|N,C,R,X|护士注册|P|p-qualification,p-medical|xl|
公共场所卫生许可|Hygiene permit for public places|XK|N,C,R,X|卫生许可证|B|b-permits,b-medical|yyzz,cd|
放射诊疗许可|Permit for radiological diagnosis and treatment|XK|N,C,R,X|放射诊疗|B|b-medical|yyzz,zm|!
母婴保健技术服务执业许可|Licence for maternal and infant health services|XK|N,C,R|母婴保健|B|b-medical|zm|
预防接种证办理|Vaccination record booklet|GG|-|疫苗,接种证|P|p-birth,p-medical|cs|
计划生育家庭特别扶助金申领|Special support for family-planning families|GF|-|特别扶助|P|p-social|hk|
居民死亡医学证明签发|Issue of a medical death certificate|QR|-|死亡证明|P|p-funeral||!
献血者用血费用报销|Blood-cost reimbursement for donors|GF|-|献血报销|P|p-medical||
职业健康检查机构备案|Filing of occupational health examination institutions|QR|N,C,X|职业健康|B|b-medical|zm|
医疗机构设置审批|Approval to set up a medical institution|XK|N,C|医疗机构设置|B|b-medical|cd|
中医诊所备案|Filing of traditional Chinese medicine clinics|QR|N,C,X|中医诊所|B|b-medical|cd|
独生子女父母光荣证申领|Honour certificate for parents of only children|GG|-|光荣证|P|p-birth||
病历复印预约|Booking copies of medical records|GG|-|病历复印|P|p-medical||
""",
    "jy": """
义务教育入学报名|Enrolment in compulsory education|GG|-|入学,报名,小学|P|p-education|hk,bdc|*
义务教育转学|Transfer between schools|GG|-|转学|P|p-education||
学籍证明开具|Certificate of student status|QR|-|学籍证明|P|p-education||
高中阶段学校招生报名|Senior high school admission registration|GG|-|中考|P|p-education||
普通高考报名|National college entrance exam registration|GG|-|高考|P|p-education|hk|!
教师资格认定|Teacher qualification|XK|-|教师资格证|P|p-qualification,p-education|xl,tj|
学历证书查询验证|Verification of academic certificates|GG|-|学历认证|P|p-education||
民办学校办学许可|Licence for private schools|XK|N,C,R,X|民办学校|B|b-permits|cd,zm|!
校外培训机构审批|Approval of after-school training institutions|XK|N,C,X|培训机构|B|b-permits|cd|
学生资助申请|Applying for student financial aid|GF|-|助学金,学生资助|P|p-education||
中等职业学校免学费|Tuition waiver at secondary vocational schools|GF|-|免学费|P|p-education||
幼儿园办园许可|Licence for kindergartens|XK|N,C,X|幼儿园|B|b-permits|cd,xf|!
普通话水平测试报名|Registration for the Mandarin proficiency test|GG|-|普通话考试|P|p-education||
高等教育自学考试报名|Self-taught higher education exam registration|GG|-|自考|P|p-education||
学前教育资助|Preschool financial aid|GF|-|学前资助|P|p-education||
""",
    "sj": """
企业设立登记|Company establishment registration|XK|-|开公司,注册公司,营业执照|B|b-setup|zm|*
企业变更登记|Change of company registration|XK|-|公司变更,营业执照|B|b-setup|yyzz|
企业注销登记|Company deregistration|XK|-|注销公司|B|b-closure|yyzz|
企业简易注销登记|Simplified company deregistration|XK|-|简易注销|B|b-closure|yyzz|
个体工商户设立登记|Registration of an individual business|XK|-|个体户,营业执照|P|p-employment|cd|*
个体工商户变更登记|Change of an individual business|XK|-|个体户变更|P|p-employment|yyzz|
个体工商户注销登记|Deregistration of an individual business|XK|-|个体户注销|P|p-employment|yyzz|
农民专业合作社登记|Registration of a farmers' cooperative|XK|N,C,X|合作社|B|b-setup,b-agriculture|zm|
营业执照补领|Replacement of a business licence|GG|-|营业执照补办|B|b-setup||
企业名称自主申报|Company name reservation|QR|-|名称核准,起名|B|b-setup||
食品经营许可|Food business licence|XK|N,C,R,X|食品经营许可证,餐饮|B|b-permits|yyzz,cd|*
食品生产许可|Food production licence|XK|N,C,R,X|食品生产|B|b-permits|yyzz,cd|!
小餐饮登记|Registration of small eateries|QR|N,C,X|小餐饮|P|p-employment|cd|
工业产品生产许可|Industrial product production licence|XK|N,C,R,X|生产许可证|B|b-permits,b-qualification|yyzz|
特种设备使用登记|Registration of special equipment use|QR|N,C,X|电梯,锅炉|B|b-safety|zm|
特种设备作业人员资格认定|Certification of special equipment operators|XK|N,R|叉车证,特种设备|P|p-qualification|tj|!
计量器具型式批准|Type approval of measuring instruments|XK|N,C|计量|B|b-qualification|zm|
检验检测机构资质认定|Accreditation of inspection and testing bodies|XK|N,C,R,X|检验检测|B|b-qualification|zm|
消费投诉举报|Consumer complaints|CJ|-|投诉,12315,维权|P|p-legal||
股权出质登记|Registration of equity pledges|QR|N,C,X|股权质押|B|b-setup||
动产抵押登记|Registration of chattel mortgages|QR|N,C,X|动产抵押|B|b-setup|ht|
企业年度报告公示|Annual report publication|QR|-|年报|B|b-setup||
广告发布登记|Registration of advertising publishers|QR|N,C,X|广告发布|B|b-permits||
食品小作坊登记|Registration of small food workshops|QR|N,C,X|食品作坊|P|p-employment|cd|
商标专用权质押登记|Registration of trademark pledges|QR|N,C,X|商标质押|B|b-tech||
外国企业常驻代表机构登记|Registration of representative offices of foreign companies|XK|N,C,X|代表处|B|b-setup,b-trade|zm|
""",
    "sw": """
个人所得税综合所得汇算清缴|Annual individual income tax reconciliation|ZS|-|个税,退税|P|p-tax||*
个人所得税专项附加扣除填报|Special additional deductions for income tax|ZS|-|个税,专项附加扣除|P|p-tax||
个人完税证明开具|Tax payment certificate|GG|-|完税证明|P|p-tax||
新办纳税人涉税事项|Tax set-up for new taxpayers|QR|-|税务登记,新办|B|b-tax,b-setup|yyzz|
发票领用|Obtaining invoices|QR|-|领发票,发票|B|b-tax||*
增值税一般纳税人登记|VAT general taxpayer registration|QR|-|一般纳税人|B|b-tax||
增值税纳税申报|VAT filing|ZS|-|报税|B|b-tax||
企业所得税纳税申报|Corporate income tax filing|ZS|-|报税,企业所得税|B|b-tax||
契税申报|Deed tax filing|ZS|-|契税,买房|P|p-tax,p-realestate|ht|
车船税缴纳|Vehicle and vessel tax|ZS|-|车船税|P|p-tax,p-transport||
城乡居民社会保险费缴纳|Paying residents' social insurance contributions|ZS|-|社保缴费,医保缴费,社保|P|p-social,p-tax||*
清税证明开具|Tax clearance certificate|QR|-|清税|B|b-closure,b-tax||
出口退（免）税备案|Export tax refund filing|QR|N,C,X|出口退税|B|b-tax,b-trade||
纳税信用修复|Tax credit repair|QR|-|纳税信用|B|b-tax||
个人所得税经营所得申报|Income tax on business income|ZS|-|经营所得|P|p-tax||
印花税申报|Stamp duty filing|ZS|-|印花税|B|b-tax||
房产税申报|Property tax filing|ZS|-|房产税|B|b-tax||
跨区域涉税事项报告|Reporting cross-region tax matters|QR|-|外经证|B|b-tax||
发票真伪查验|Checking whether an invoice is genuine|GG|-|发票查验|P|p-tax||*
""",
    "zr": """
不动产登记资料查询|Property register search|GG|-|房产查询,查房|P|p-realestate||*
二手房转移登记|Transfer registration of a second-hand home|QR|-|过户,二手房,买房|P|p-realestate|bdc,ht|
新建商品房转移登记|Transfer registration of a new home|QR|-|新房,房产证,买房|P|p-realestate|ht|
不动产抵押登记|Property mortgage registration|QR|N,C,X|抵押,房贷|P|p-realestate|bdc,ht|
不动产权证书补发|Reissue of a property certificate|QR|-|房产证补办|P|p-realestate||!
不动产继承转移登记|Property transfer by inheritance|QR|-|继承,房产|P|p-realestate,p-funeral|bdc,swzm|!
建设用地规划许可|Planning permit for construction land|XK|N,C|用地规划|B|b-construction|gc|!
建设工程规划许可|Planning permit for construction works|XK|N,C|工程规划|B|b-construction|gc|
采矿权登记|Mining rights registration|XK|N,C,R,X|采矿|B|b-permits|zm|!
测绘资质审批|Surveying and mapping qualification|XK|N,C,R,X|测绘资质|B|b-qualification|zm|
乡村建设规划许可|Rural construction planning permit|XK|N,C|宅基地,农村建房|P|p-realestate|zm|
不动产首次登记|First registration of property|QR|-|不动产首次登记|B|b-construction|gc|
不动产更正登记|Correction of the property register|QR|-|更正登记|P|p-realestate|bdc|
不动产异议登记|Registering an objection to the property register|QR|-|异议登记|P|p-realestate|bdc|
地质灾害危险性评估备案|Filing of geological hazard assessments|QR|-|地灾评估|B|b-construction|gc|
""",
    "jt": """
道路旅客运输经营许可|Road passenger transport licence|XK|N,C,R,X|客运|B|b-transport,b-permits|yyzz,zm|
道路货物运输经营许可|Road freight transport licence|XK|N,C,R,X|货运|B|b-transport,b-permits|yyzz|
网络预约出租汽车经营许可|Licence for ride-hailing platforms|XK|N,C,R,X|网约车|B|b-transport,b-permits|yyzz|
网络预约出租汽车驾驶员证|Ride-hailing driver's permit|XK|N,R|网约车司机|P|p-transport,p-qualification|jsz|
道路运输证配发|Road transport certificate for a vehicle|XK|N,C,X|营运证|B|b-transport|jdc|
机动车驾驶员培训备案|Filing of driving schools|QR|N,C,X|驾校|B|b-transport|yyzz,cd|
道路运输从业资格证|Road transport professional qualification|XK|N,R|从业资格证|P|p-qualification,p-transport|jsz|
超限运输车辆行驶公路许可|Permit for oversized vehicles|XK|-|超限运输|B|b-transport|jdc|
公路赔补偿|Compensation for damage to highways|ZS|-|路产赔偿|B|b-transport||
交通运输企业安全生产标准化|Safety standardisation of transport firms|QR|-|安全标准化|B|b-safety||
出租汽车驾驶员从业资格注册|Taxi driver registration|XK|N,C,X|出租车司机|P|p-transport,p-qualification|jsz|
交通运输行政执法投诉|Complaints about transport enforcement|CJ|-|交通投诉|P|p-legal||
""",
    "st": """
排污许可|Pollutant discharge permit|XK|N,C,R,X|排污证|B|b-environment|yyzz|
建设项目环境影响评价审批|Approval of an environmental impact assessment|XK|N,C|环评|B|b-environment,b-construction|gc|
危险废物经营许可|Hazardous waste business licence|XK|N,C,R,X|危废|B|b-environment|yyzz,cd|!
辐射安全许可|Radiation safety licence|XK|N,C,R,X|辐射安全|B|b-environment,b-safety|zm|
环境污染投诉|Complaints about pollution|CJ|-|噪音投诉,污染|P|p-legal||
固体废物跨省转移审批|Approval of cross-province solid waste transfers|XK|-|固废转移|B|b-environment|zm|
建设项目环境影响登记表备案|Filing of environmental impact registration forms|QR|-|环评登记表|B|b-environment||
固定污染源排污登记|Pollutant discharge registration|QR|N,C,X|排污登记|B|b-environment||
""",
    "ny": """
农药经营许可|Pesticide business licence|XK|N,C,R,X|农药|B|b-agriculture,b-permits|cd|
兽药经营许可|Veterinary drug business licence|XK|N,C,R,X|兽药|B|b-agriculture,b-permits|cd|
农作物种子生产经营许可|Seed production and business licence|XK|N,C,R,X|种子|B|b-agriculture|cd|
动物防疫条件合格证核发|Animal epidemic prevention certificate|XK|N,C,X|动物防疫|B|b-agriculture|cd|!
渔业捕捞许可|Fishing licence|XK|N,C,R,X|捕鱼|B|b-agriculture|zm|
农机购置补贴|Farm machinery purchase subsidy|GF|-|农机补贴|P|p-employment|fp|
拖拉机和联合收割机登记|Registration of tractors and combine harvesters|QR|N,C,X|拖拉机|P|p-transport||
耕地地力保护补贴|Farmland protection subsidy|GF|-|种粮补贴|P|p-employment||
""",
    "wl": """
旅行社业务经营许可|Travel agency licence|XK|N,C,X|旅行社|B|b-culture,b-permits|yyzz,cd|
娱乐场所经营许可|Entertainment venue licence|XK|N,C,R,X|KTV,娱乐场所|B|b-culture,b-permits|yyzz,cd|
营业性演出许可|Commercial performance permit|XK|N,C|演出,演唱会|B|b-culture|zm|
导游证核发|Tour guide certificate|XK|N,C,R|导游证|P|p-qualification,p-culture|xl|
互联网上网服务营业场所经营许可|Internet café licence|XK|N,C,R,X|网吧|B|b-culture,b-permits|cd|
艺术品经营单位备案|Filing of art dealers|QR|N,C,X|艺术品|B|b-culture|yyzz|
旅游景区质量等级评定|Grading of tourist attractions|JL|-|景区评级|B|b-culture|zm|!
公共图书馆读者证办理|Public library card|GG|-|借书证,图书馆|P|p-culture||
""",
    "sf": """
法律援助申请|Applying for legal aid|GF|-|法律援助,免费律师|P|p-legal|zm|*
公证申办|Applying for notarisation|GG|-|公证|P|p-legal|zm|!
律师执业许可|Lawyer practice licence|XK|N,C,X|律师证|P|p-qualification,p-legal|xl|
律师事务所设立许可|Licence to establish a law firm|XK|N,C,X|律所|B|b-permits|cd|
人民调解申请|Applying for people's mediation|CJ|-|调解,纠纷|P|p-legal||
司法鉴定机构登记|Registration of forensic appraisal institutions|XK|N,C,R,X|司法鉴定|B|b-permits|zm|
基层法律服务工作者执业核准|Licence for grassroots legal workers|XK|N,C,X|法律服务工作者|P|p-qualification,p-legal|xl|
""",
    "ty": """
退役军人优待证申领|Veterans' preferential treatment card|GG|-|优待证|P|p-veterans|zm|
退役士兵一次性经济补助|One-off grant for discharged soldiers|GF|-|退役补助|P|p-veterans|zm|
伤残抚恤关系转移|Transfer of disability pension records|GG|-|伤残抚恤|P|p-veterans|zm|
烈士纪念设施祭扫预约|Booking visits to martyrs' memorials|GG|-|祭扫|P|p-veterans||
重点优抚对象定期抚恤补助|Regular pensions for key entitled groups|GF|-|定期抚恤|P|p-veterans|zm|L4
退役军人创业贷款贴息|Interest subsidy on veterans' start-up loans|GF|-|退役创业|P|p-veterans,p-employment|ht|
残疾军人证换发|Renewal of a disabled servicemember card|QR|-|残疾军人证|P|p-veterans||!
""",
    "yj": """
危险化学品经营许可|Hazardous chemicals business licence|XK|N,C,R,X|危化品|B|b-safety,b-permits|yyzz,cd|
烟花爆竹经营许可|Fireworks retail licence|XK|N,C,R|烟花爆竹|B|b-safety,b-permits|cd|
特种作业操作证|Special operations certificate|XK|N,R|电工证,焊工证,特种作业|P|p-qualification|tj|!
非煤矿山安全生产许可|Work safety licence for non-coal mines|XK|N,C,R,X|矿山安全|B|b-safety|zm|!
生产安全事故应急预案备案|Filing of emergency plans|QR|-|应急预案|B|b-safety|zm|
安全生产举报|Reporting work safety hazards|CF|-|安全隐患举报|P|p-legal||
""",
    "sc": """
对外贸易经营者备案|Foreign trade operator filing|QR|N,C|外贸备案,进出口权|B|b-trade|yyzz|
外商投资企业信息报告|Foreign investment information report|QR|-|外资|B|b-trade,b-setup||
单用途商业预付卡备案|Filing of single-purpose prepaid cards|QR|N,C,X|预付卡|B|b-trade||
报废机动车回收企业资质认定|Qualification of vehicle scrapping firms|XK|N,C,X|报废汽车回收|B|b-trade,b-qualification|cd|!
二手车交易市场经营者备案|Filing of used-car markets|QR|N,C,X|二手车市场|B|b-trade|cd|
拍卖企业设立审批|Approval of auction companies|XK|N,C,X|拍卖|B|b-trade|yyzz|
""",
    "kj": """
高新技术企业认定|High-tech enterprise recognition|QR|-|高企认定,高新技术企业|B|b-tech|yyzz,zm|*
科技型中小企业评价|Evaluation of tech-based SMEs|QR|-|科技型中小企业|B|b-tech|yyzz|
科学技术奖提名|Nomination for science and technology awards|JL|-|科技奖|P|p-qualification|zm|
技术合同认定登记|Registration of technology contracts|QR|-|技术合同|B|b-tech|ht|
外国人来华工作许可|Work permit for foreigners|XK|N,C,R,X|外国人工作许可|B|b-hr|zm|
研发费用加计扣除核定|Review of R&D super-deductions|QR|-|研发加计扣除|B|b-tech,b-tax||
""",
    "cl": """
残疾人证新办|Application for a disability certificate|QR|-|残疾证,残疾人证|P|p-disability|zp|!
残疾人证换领|Renewal of a disability certificate|QR|-|残疾证|P|p-disability|cjz|
残疾人证迁移|Transferring a disability certificate|QR|-|残疾证迁移|P|p-disability|cjz|
残疾人辅助器具适配补贴|Subsidy for assistive devices|GF|-|辅具补贴|P|p-disability|cjz|
残疾人就业保障金减免|Relief from the disability employment levy|ZS|-|残保金|B|b-hr,b-tax||
残疾儿童康复救助|Rehabilitation support for disabled children|GF|-|康复救助|P|p-disability|cs|
""",
    "sl": """
取水许可|Water abstraction permit|XK|N,C,R,X|取水证|B|b-environment|zm|
河道管理范围内建设项目审批|Approval of projects within river management areas|XK|N,C|河道|B|b-construction|gc|!
生产建设项目水土保持方案审批|Approval of soil and water conservation plans|XK|N,C|水保方案|B|b-environment|gc|
水土保持设施自主验收报备|Filing of soil conservation facility acceptance|QR|-|水保验收|B|b-environment|gc|
""",
    "yjj": """
药品零售企业经营许可|Pharmacy retail licence|XK|N,C,R,X|药店|B|b-medical,b-permits|yyzz,cd|
药品批发企业经营许可|Drug wholesale licence|XK|N,C,R,X|药品批发|B|b-medical,b-permits|yyzz,cd|!
第二类医疗器械经营备案|Filing of class II medical device trading|QR|N,C,X|医疗器械|B|b-medical|yyzz|
第三类医疗器械经营许可|Licence for class III medical device trading|XK|N,C,R,X|医疗器械|B|b-medical|yyzz,cd|
化妆品生产许可|Cosmetics production licence|XK|N,C,R,X|化妆品|B|b-permits|yyzz,cd|
执业药师注册|Registration of licensed pharmacists|XK|N,C,R,X|药师|P|p-qualification|xl|
""",
    "xf": """
公众聚集场所投入使用营业前消防安全检查|Fire safety inspection before a venue opens|XK|-|消防检查,消防|B|b-safety,b-permits|cd|!
公众聚集场所消防安全检查告知承诺|Fire safety inspection by commitment|XK|-|消防承诺,消防|B|b-safety|cd|
消防技术服务机构备案|Filing of fire safety service firms|QR|N,C,X|消防检测|B|b-safety|yyzz|
火灾事故认定|Determination of fire incidents|QR|-|火灾认定|P|p-legal||!
消防安全违法行为举报|Reporting fire hazards|CF|-|消防举报|P|p-legal||
""",
    "yc": """
烟草专卖零售许可|Tobacco retail licence|XK|N,C,R,X|烟草证,卖烟|B|b-permits|yyzz,cd|!*
烟草专卖批发企业许可|Tobacco wholesale licence|XK|N,C,R,X|烟草批发|B|b-permits|yyzz,cd|!
烟草专卖品准运证核发|Tobacco transport permit|XK|-|准运证|B|b-transport||
烟草专卖零售许可证补办|Replacement of a tobacco retail licence|GG|-|烟草证补办|B|b-permits||
烟草专卖零售歇业|Suspension of tobacco retail business|QR|-|烟草证歇业|B|b-permits||
""",
    "tx": """
增值电信业务经营许可|Value-added telecoms licence|XK|N,C,R,X|ICP许可证,增值电信|B|b-permits,b-tech|yyzz|
互联网域名服务许可|Internet domain name service licence|XK|N,C,R,X|域名|B|b-permits,b-tech|yyzz|
互联网信息服务备案|Website filing|QR|N,C,X|ICP备案,网站备案|B|b-tech||*
通信建设工程安全生产管理人员考核|Safety exam for telecoms construction managers|XK|N,R|通信安全考核|P|p-qualification||
电信网码号资源使用审批|Approval for the use of numbering resources|XK|N,C,X|码号|B|b-tech|zm|
""",
    "tyj": """
高危险性体育项目经营许可|Licence for high-risk sports|XK|N,C,R,X|游泳馆,潜水,攀岩|B|b-culture,b-permits|cd,zm|
社会体育指导员等级评定|Grading of social sports instructors|QR|-|社会体育指导员|P|p-culture,p-qualification||
运动员技术等级称号授予|Athlete technical grade titles|QR|-|运动员等级|P|p-culture||
体育赛事活动备案|Filing of sports events|QR|N,C,X|赛事备案,马拉松|B|b-culture||
公共体育场馆预约|Booking public sports venues|GG|-|体育馆,预约|P|p-culture||*
""",
    "gb": """
广播电视节目制作经营许可|Licence for producing radio and TV programmes|XK|N,C,R,X|节目制作|B|b-culture,b-permits|yyzz|
卫星电视广播地面接收设施安装许可|Licence to install satellite TV receivers|XK|N,C,R,X|卫星电视|B|b-permits|yyzz,cd|
网络视听节目服务备案|Filing of online audiovisual services|QR|N,C,X|网络视听|B|b-culture,b-tech|yyzz|
电视剧制作许可|TV drama production permit|XK|-|电视剧|B|b-culture|zm|
""",
    "xw": """
出版物零售单位设立|Licence for publication retailers|XK|N,C,X|书店|B|b-culture,b-permits|yyzz,cd|
出版物批发单位设立|Licence for publication wholesalers|XK|N,C,X|图书批发|B|b-culture,b-permits|yyzz,cd|
印刷经营许可|Printing business licence|XK|N,C,R,X|印刷厂|B|b-permits|yyzz,cd|!
内部资料性出版物准印|Printing permit for internal publications|XK|-|准印证|B|b-culture||
作品著作权登记|Copyright registration|QR|-|版权登记,著作权|P|p-culture||*
""",
    "yz": """
快递业务经营许可|Express delivery licence|XK|N,C,R,X|快递许可|B|b-permits,b-transport|yyzz,cd|
快递末端网点备案|Filing of express delivery outlets|QR|N,C,X|快递网点,驿站|B|b-transport|cd|
邮政快递用户申诉|Complaints about postal and express services|CJ|-|快递投诉|P|p-legal||*
邮政普遍服务营业场所撤销审批|Approval to close a postal service office|XK|-|邮政网点|B|b-transport||
""",
    "ly": """
林木采伐许可|Tree felling permit|XK|N,C|砍树,采伐证|P|p-realestate||
林草种子生产经营许可|Forest seed production licence|XK|N,C,R,X|林木种子|B|b-agriculture|cd|
陆生野生动物人工繁育许可|Licence to breed terrestrial wild animals|XK|N,C,R,X|野生动物|B|b-agriculture|cd|!
使用林地审核|Approval for using forest land|XK|N,C|征占林地|B|b-construction|gc|!
森林防火期野外用火审批|Approval of outdoor fire use in the fire season|XK|-|野外用火|P|p-culture||
""",
    "qx": """
雷电防护装置设计审核|Design review of lightning protection|XK|N,C|防雷,雷电防护|B|b-construction,b-safety|gc|
雷电防护装置竣工验收|Completion acceptance of lightning protection|XK|-|防雷验收|B|b-construction|gc|
升放气球活动审批|Approval of balloon launches|XK|-|气球|B|b-culture|zm|
气象信息服务企业备案|Filing of weather information firms|QR|N,C,X|气象服务|B|b-tech||
气象灾害证明开具|Certificate of weather disasters|GG|-|气象证明,台风证明|P|p-legal||*
""",
    "rf": """
人防工程建设审批|Approval of civil air defence works|XK|N,C|人防工程|B|b-construction|gc|
防空地下室易地建设审批|Approval to build air-raid shelters elsewhere|XK|-|易地建设|B|b-construction|gc|
人防工程竣工验收备案|Filing of completed civil air defence works|QR|-|人防验收|B|b-construction|gc|
人防工程拆除审批|Approval to demolish civil air defence works|XK|-|人防拆除|B|b-construction|gc|!
""",
    "zscq": """
专利权质押登记|Registration of patent pledges|QR|N,C,X|专利质押|B|b-tech||
专利侵权纠纷行政裁决|Administrative adjudication of patent disputes|CJ|-|专利侵权|B|b-tech|zm|
专利代理机构执业许可|Licence for patent agencies|XK|N,C,X|专利代理|B|b-tech,b-permits|zm|
地理标志产品保护申请|Protection of geographical indication products|QR|-|地理标志|B|b-agriculture|zm|
知识产权维权援助|Help with protecting intellectual property|GG|-|维权援助,知识产权|P|p-legal||
""",
    "da": """
档案查阅利用|Consulting the archives|GG|-|查档案,档案|P|p-legal||*
婚姻档案查询|Marriage records in the archives|GG|-|婚姻档案,查档案|P|p-marriage||
知青档案查询|Archives of sent-down youth|GG|-|知青档案,工龄|P|p-retire||
档案寄存服务|Archive deposit service|GG|-|档案寄存|B|b-setup||
""",
    "mzw": """
宗教活动场所设立审批|Approval to set up a place of religious activity|XK|N,C,X|宗教场所|B|b-setup|cd,zm|!
少数民族成份变更确认|Confirming a change of ethnic status|QR|-|民族成份|P|p-household|hk|!
宗教院校设立审批|Approval to establish a religious school|XK|N,C,X|宗教院校|B|b-permits|zm|
""",
}

# code, name, English name, audience, [item names]
LIFE_EVENTS: list[tuple[str, str, str, str, list[str]]] = [
    (
        "birth",
        "出生一件事",
        "Having a baby",
        "person",
        [
            "出生医学证明首次签发",
            "预防接种证办理",
            "出生登记",
            "城乡居民医保参保登记",
            "社会保障卡申领",
            "生育津贴申领",
        ],
    ),
    (
        "start-business",
        "开办企业一件事",
        "Starting a business",
        "business",
        [
            "企业名称自主申报",
            "企业设立登记",
            "公章刻制备案",
            "新办纳税人涉税事项",
            "发票领用",
            "单位社会保险登记（新办）",
            "单位住房公积金缴存登记（新办）",
        ],
    ),
    (
        "marriage",
        "结婚一件事",
        "Getting married",
        "person",
        ["婚姻登记预约", "结婚登记", "夫妻投靠落户", "婚姻登记记录证明"],
    ),
    (
        "school",
        "入学一件事",
        "Starting school",
        "person",
        ["义务教育入学报名", "户籍证明开具", "不动产登记资料查询", "学生资助申请"],
    ),
    (
        "home-purchase",
        "买房一件事",
        "Buying a home",
        "person",
        ["不动产登记资料查询", "住房公积金贷款申请", "契税申报", "二手房转移登记", "购房提取住房公积金"],
    ),
    (
        "employment",
        "就业一件事",
        "Finding a job",
        "person",
        ["就业登记", "职工参保登记", "住房公积金个人账户设立", "大中专院校毕业生落户", "就业创业证申领"],
    ),
    (
        "retirement",
        "退休一件事",
        "Retiring",
        "person",
        ["基本养老金申领", "养老保险待遇资格认证", "退休提取住房公积金", "高龄老人津贴申领"],
    ),
    (
        "bereavement",
        "身后一件事",
        "After a death",
        "person",
        [
            "居民死亡医学证明签发",
            "死亡注销户口",
            "殡葬服务预约",
            "丧葬补助金和抚恤金申领",
            "不动产继承转移登记",
        ],
    ),
    (
        "open-restaurant",
        "开餐馆一件事",
        "Opening a restaurant",
        "business",
        [
            "企业设立登记",
            "食品经营许可（新办）",
            "公众聚集场所消防安全检查告知承诺",
            "公共场所卫生许可（新办）",
        ],
    ),
]

THEMES: list[tuple[str, str, str, str]] = [
    ("p-birth", "生育收养", "Birth and adoption", "person"),
    ("p-household", "户籍办理", "Household registration", "person"),
    ("p-certificates", "证件办理", "Identity documents", "person"),
    ("p-education", "教育科研", "Education", "person"),
    ("p-employment", "就业创业", "Jobs and start-ups", "person"),
    ("p-social", "社会保障", "Social security", "person"),
    ("p-medical", "医疗卫生", "Healthcare", "person"),
    ("p-housing", "住房保障", "Housing", "person"),
    ("p-realestate", "不动产", "Property", "person"),
    ("p-marriage", "婚姻登记", "Marriage", "person"),
    ("p-transport", "交通出行", "Driving and transport", "person"),
    ("p-exit", "出境入境", "Travel abroad", "person"),
    ("p-retire", "离职退休", "Retirement", "person"),
    ("p-funeral", "死亡殡葬", "Bereavement", "person"),
    ("p-veterans", "优待抚恤", "Veterans", "person"),
    ("p-disability", "残疾人服务", "Disability", "person"),
    ("p-qualification", "职业资格", "Professional qualifications", "person"),
    ("p-tax", "个人税务", "Personal tax", "person"),
    ("p-legal", "司法公证", "Legal help and complaints", "person"),
    ("p-culture", "文化体育", "Culture and sport", "person"),
    ("b-setup", "设立变更", "Setting up and changes", "business"),
    ("b-permits", "准营准办", "Operating permits", "business"),
    ("b-qualification", "资质认证", "Qualifications", "business"),
    ("b-tax", "税收财务", "Tax and finance", "business"),
    ("b-hr", "人力资源", "Employing people", "business"),
    ("b-social", "社会保险", "Social insurance", "business"),
    ("b-construction", "规划建设", "Planning and construction", "business"),
    ("b-transport", "交通运输", "Transport", "business"),
    ("b-environment", "环保绿化", "Environment", "business"),
    ("b-safety", "安全生产", "Work safety", "business"),
    ("b-medical", "医疗卫生", "Health and medicines", "business"),
    ("b-agriculture", "农林牧渔", "Agriculture and fisheries", "business"),
    ("b-trade", "商务贸易", "Trade", "business"),
    ("b-tech", "科技创新", "Science and innovation", "business"),
    ("b-culture", "文化旅游", "Culture and tourism", "business"),
    ("b-closure", "法人注销", "Closing down", "business"),
]

# key: (name, form, certificate type that replaces it, notes)
MATERIALS: dict[str, tuple[str, str, str, str]] = {
    "sfz": ("居民身份证", "original", "id_card", "申请人本人有效身份证件"),
    "hk": ("居民户口簿", "original", "household_register", ""),
    "jh": ("结婚证", "original", "marriage_certificate", ""),
    "cs": ("出生医学证明", "original", "birth_certificate", ""),
    "zp": ("近期免冠彩色证件照片", "electronic", "", "可在线拍摄，须符合证件照标准"),
    "jsz": ("机动车驾驶证", "original", "driving_licence", ""),
    "jdc": ("机动车行驶证", "original", "vehicle_licence", ""),
    "tj": ("身体条件证明", "electronic", "", "由具备资质的医疗机构出具，可在线推送"),
    "bdc": ("不动产权证书", "copy", "property_certificate", ""),
    "ht": ("相关合同或协议", "copy", "", ""),
    "zm": ("相关证明材料", "copy", "", "按本指南所列条件提供"),
    "xl": ("学历（学位）证书", "copy", "diploma", ""),
    "sbk": ("社会保障卡", "original", "social_security_card", ""),
    "swzm": ("居民死亡医学证明（推断）书", "original", "death_certificate", ""),
    "cd": ("经营场所使用证明", "copy", "", "产权证明或租赁合同"),
    "yyzz": ("营业执照", "copy", "business_licence", ""),
    "gc": ("建设工程设计方案及图纸", "electronic", "", ""),
    "xf": ("消防安全检查合格证明", "copy", "", ""),
    "fp": ("费用发票及明细清单", "original", "", "电子票据可直接关联"),
    "bl": ("病历资料及诊断证明", "copy", "", ""),
    "cjz": ("中华人民共和国残疾人证", "original", "disability_certificate", ""),
}
