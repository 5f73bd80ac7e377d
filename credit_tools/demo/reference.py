"""Reference values the demo drop is drawn from: real Jiangsu region and industry codes, the city's
departments, names, and the texts each department writes into its records.

Everything here is plain data. Department USCCs are synthetic but valid (GB 32100 check character,
GB 11714 check on the organisation code inside); every string encodes in GBK, because a share of
the deliveries is written in GBK.
"""

from __future__ import annotations

from typing import NamedTuple

# The platform's city: 淮安市, Jiangsu. Its courts number cases with 苏08.
CITY = "淮安市"
CITY_CODE = "320800"

LONG_TERM = "2099-12-31"  # validity written for "long-term" (长期)


# --- Regions (GB/T 2260) -------------------------------------------------------------------------

class Region(NamedTuple):
    code: str
    prefecture: str  # 地级市
    county: str  # 区/县/县级市; empty for the prefecture-level code itself

    @property
    def local_name(self) -> str:
        """How a name starts locally: 清江浦区, 江阴市, 涟水县, or the prefecture itself."""
        return self.county or self.prefecture

    @property
    def authority_name(self) -> str:
        """How an authority of this region is named: 淮安市清江浦区…, 江阴市…, 涟水县…"""
        if self.county.endswith("区"):
            return self.prefecture + self.county
        return self.county or self.prefecture

    @property
    def trade_prefix(self) -> str:
        """Administrative-division prefix of a company name: districts use their prefecture."""
        return self.prefecture if not self.county or self.county.endswith("区") else self.county


def _regions(prefecture: str, code: str, counties: str) -> list[Region]:
    """One prefecture and its counties given as `code:name` pairs."""
    out = [Region(code, prefecture, "")]
    for pair in counties.split():
        county_code, name = pair.split(":")
        out.append(Region(county_code, prefecture, name))
    return out


JIANGSU_REGIONS: tuple[Region, ...] = tuple(
    _regions("南京市", "320100", "320102:玄武区 320104:秦淮区 320105:建邺区 320106:鼓楼区 320111:浦口区 "
             "320113:栖霞区 320114:雨花台区 320115:江宁区 320116:六合区 320117:溧水区 320118:高淳区")
    + _regions("无锡市", "320200", "320205:锡山区 320206:惠山区 320211:滨湖区 320213:梁溪区 320214:新吴区 "
               "320281:江阴市 320282:宜兴市")
    + _regions("徐州市", "320300", "320302:鼓楼区 320303:云龙区 320311:泉山区 320312:铜山区 320321:丰县 "
               "320322:沛县 320324:睢宁县 320381:新沂市 320382:邳州市")
    + _regions("常州市", "320400", "320402:天宁区 320404:钟楼区 320411:新北区 320412:武进区 320413:金坛区 "
               "320481:溧阳市")
    + _regions("苏州市", "320500", "320505:虎丘区 320506:吴中区 320507:相城区 320508:姑苏区 320509:吴江区 "
               "320581:常熟市 320582:张家港市 320583:昆山市 320585:太仓市")
    + _regions("南通市", "320600", "320612:通州区 320613:崇川区 320614:海门区 320623:如东县 320681:启东市 "
               "320682:如皋市 320685:海安市")
    + _regions("连云港市", "320700", "320703:连云区 320706:海州区 320707:赣榆区 320722:东海县 320723:灌云县 "
               "320724:灌南县")
    + _regions("淮安市", "320800", "320803:淮安区 320804:淮阴区 320812:清江浦区 320813:洪泽区 320826:涟水县 "
               "320830:盱眙县 320831:金湖县")
    + _regions("盐城市", "320900", "320902:亭湖区 320903:盐都区 320904:大丰区 320921:响水县 320922:滨海县 "
               "320923:阜宁县 320924:射阳县 320925:建湖县 320981:东台市")
    + _regions("扬州市", "321000", "321002:广陵区 321003:邗江区 321012:江都区 321023:宝应县 321081:仪征市 "
               "321084:高邮市")
    + _regions("镇江市", "321100", "321102:京口区 321111:润州区 321112:丹徒区 321181:丹阳市 321182:扬中市 "
               "321183:句容市")
    + _regions("泰州市", "321200", "321202:海陵区 321203:高港区 321204:姜堰区 321281:兴化市 321282:靖江市 "
               "321283:泰兴市")
    + _regions("宿迁市", "321300", "321302:宿城区 321311:宿豫区 321322:沭阳县 321323:泗阳县 321324:泗洪县")
)

# Where the city's subjects are registered: its own divisions (weights), the rest of Jiangsu shares
# OUTSIDE_CITY_SHARE evenly.
CITY_REGION_WEIGHTS = {
    "320800": 10, "320803": 16, "320804": 11, "320812": 25, "320813": 8,
    "320826": 11, "320830": 10, "320831": 9,
}
OUTSIDE_CITY_SHARE = 0.15

# County codes that no longer exist but still stand on older ID cards (SPEC §1 "known traps").
RETIRED_COUNTY_CODES = {
    "320802": "淮安市清河区", "320811": "淮安市清浦区", "320103": "南京市白下区", "320107": "南京市下关区",
    "320202": "无锡市崇安区", "320611": "南通市港闸区", "320621": "海安县", "320684": "海门市",
}
# Birthplaces of people who moved to the city from other provinces.
OTHER_PROVINCE_COUNTY_CODES = {
    "340102": "合肥市瑶海区", "341302": "宿州市埇桥区", "370102": "济南市历下区",
    "410105": "郑州市金水区", "330106": "杭州市西湖区", "310104": "上海市徐汇区",
}


# --- Industries (GB/T 4754; a few 2011 codes such as G5430 and I6510 live on in older records) ---

class Industry(NamedTuple):
    code: str
    name: str
    company_word: str  # what a company in it calls itself (…建材有限公司); empty: not a company trade
    shop_word: str  # what an individual business calls itself (…便利店); empty: no such shops
    weight: float  # how common among companies / shops


INDUSTRIES: tuple[Industry, ...] = (
    Industry("A0111", "稻谷种植", "粮食种植", "", 1),
    Industry("A0141", "蔬菜种植", "蔬菜种植", "", 1),
    Industry("A0313", "猪的饲养", "生猪养殖", "", 1),
    Industry("A0412", "内陆养殖", "水产养殖", "", 1),
    Industry("B1019", "粘土及其他土砂石开采", "砂石", "", 1),
    Industry("C1311", "稻谷加工", "米业", "", 2),
    Industry("C1431", "米、面制品制造", "食品", "", 2),
    Industry("C1512", "白酒制造", "酒业", "", 1),
    Industry("C1711", "棉纺纱加工", "纺织", "", 2),
    Industry("C1811", "运动机织服装制造", "服饰", "", 3),
    Industry("C2110", "木质家具制造", "家具", "家具店", 2),
    Industry("C2231", "纸和纸板容器制造", "包装材料", "", 1),
    Industry("C2319", "包装装潢及其他印刷", "印务", "图文店", 1),
    Industry("C2614", "有机化学原料制造", "化工", "", 2),
    Industry("C2710", "化学药品原料药制造", "药业", "", 1),
    Industry("C2927", "日用塑料制品制造", "塑料制品", "", 1),
    Industry("C3021", "水泥制品制造", "建材", "", 2),
    Industry("C3311", "金属结构制造", "钢结构", "", 2),
    Industry("C3484", "机械零部件加工", "机械", "", 3),
    Industry("C3670", "汽车零部件及配件制造", "汽车零部件", "", 2),
    Industry("C3825", "光伏设备及元器件制造", "光伏科技", "", 1),
    Industry("D4411", "火力发电", "热电", "", 0.3),
    Industry("E4710", "住宅房屋建筑", "建设工程", "", 4),
    Industry("E4812", "公路工程建筑", "路桥工程", "", 1),
    Industry("E5012", "住宅装饰和装修", "装饰工程", "装潢部", 3),
    Industry("F5121", "米、面制品及食用油批发", "粮油贸易", "粮油店", 2),
    Industry("F5211", "百货零售", "百货", "百货店", 4),
    Industry("F5212", "超级市场零售", "超市", "便利店", 3),
    Industry("F5251", "西药零售", "医药", "药房", 2),
    Industry("F5261", "汽车新车零售", "汽车销售", "", 1),
    Industry("G5430", "道路货物运输", "物流", "货运部", 3),
    Industry("H6110", "旅游饭店", "酒店管理", "旅馆", 1),
    Industry("H6210", "正餐服务", "餐饮管理", "饭店", 3),
    Industry("H6220", "快餐服务", "餐饮", "小吃店", 3),
    Industry("I6510", "软件开发", "软件", "", 2),
    Industry("I6513", "应用软件开发", "信息技术", "", 2),
    Industry("K7010", "房地产开发经营", "置业", "", 1),
    Industry("K7020", "物业管理", "物业管理", "", 2),
    Industry("L7212", "投资与资产管理", "投资管理", "", 1),
    Industry("L7259", "其他广告服务", "广告传媒", "广告部", 2),
    Industry("M7320", "工程和技术研究和试验发展", "技术研究", "", 1),
    Industry("M7483", "工程设计活动", "工程设计", "", 1),
    Industry("O8040", "理发及美容服务", "", "理发店", 2),
    Industry("O8090", "其他居民服务业", "", "", 0),
    Industry("O8111", "汽车修理与维护", "汽车服务", "汽修部", 2),
    Industry("P8310", "学前教育", "", "", 0),
    Industry("P8321", "普通小学教育", "", "", 0),
    Industry("P8391", "职业技能培训", "", "", 0),
    Industry("Q8421", "社区卫生服务中心（站）", "", "", 0),
    Industry("Q8511", "干部休养所", "", "", 0),
    Industry("Q8514", "老年人、残疾人养护服务", "", "", 0),
    Industry("S9522", "行业性团体", "", "", 0),
    Industry("S9530", "基金会", "", "", 0),
    Industry("S9620", "村民自治组织", "", "", 0),
)
AGRICULTURE = ("A0111", "A0141", "A0313", "A0412")


# --- Departments of the city ---------------------------------------------------------------------

class Department(NamedTuple):
    key: str
    name: str
    uscc: str
    abbr: str  # how its document numbers start: 淮市监罚〔2024〕123号


DEPARTMENTS: tuple[Department, ...] = (
    Department("development_reform", "淮安市发展和改革委员会", "11320800MB15Q4J94C", "淮发改"),
    Department("market_regulation", "淮安市市场监督管理局", "11320800MB1C2X047N", "淮市监"),
    Department("tax", "国家税务总局淮安市税务局", "11320800MB1WE5JE70", "淮税"),
    Department("ecology_environment", "淮安市生态环境局", "11320800MB1GHQPN89", "淮环"),
    Department("human_resources", "淮安市人力资源和社会保障局", "11320800MB1LBM4A9A", "淮人社"),
    Department("housing", "淮安市住房和城乡建设局", "11320800MB1PEYLX8M", "淮建"),
    Department("transport", "淮安市交通运输局", "11320800MB10QF1P63", "淮交"),
    Department("emergency", "淮安市应急管理局", "11320800MB15MJL026", "淮应急"),
    Department("court", "淮安市中级人民法院", "11320800MB13MDBP5T", "苏08"),
    Department("public_security", "淮安市公安局", "11320800MB11N4173W", "淮公"),
    Department("health", "淮安市卫生健康委员会", "11320800MB100MFLX8", "淮卫"),
    Department("education", "淮安市教育局", "11320800MB1KN2749E", "淮教"),
    Department("civil_affairs", "淮安市民政局", "11320800MB1UWJLN8E", "淮民"),
    Department("natural_resources", "淮安市自然资源和规划局", "11320800MB15F7J09J", "淮自然资源"),
    Department("agriculture", "淮安市农业农村局", "11320800MB19TXCN33", "淮农"),
    Department("water", "淮安市水利局", "11320800MB170L5U31", "淮水"),
    Department("commerce", "淮安市商务局", "11320800MB14X79P7T", "淮商"),
    Department("culture_tourism", "淮安市文化广电和旅游局", "11320800MB176GND84", "淮文旅"),
    Department("urban_management", "淮安市城市管理局", "11320800MB1CANUG28", "淮城管"),
    Department("medical_security", "淮安市医疗保障局", "11320800MB12KQ8808", "淮医保"),
    Department("administrative_approval", "淮安市行政审批局", "11320800MB1M9TMG1F", "淮审批"),
    Department("establishment_office", "中共淮安市委机构编制委员会办公室", "11320800MB1LJ2W71K", "淮编"),
    Department("finance", "淮安市财政局", "11320800MB1Q36J42X", "淮财"),
    Department("statistics", "淮安市统计局", "11320800MB1D4YAJ8A", "淮统"),
    Department("audit", "淮安市审计局", "11320800MB1CCPN890", "淮审"),
    Department("justice", "淮安市司法局", "11320800MB1RUWEB79", "淮司"),
    Department("fire_rescue", "淮安市消防救援支队", "11320800MB1HYNT19G", "淮消"),
    Department("science_technology", "淮安市科学技术局", "11320800MB1YEPX59J", "淮科"),
    Department("industry_it", "淮安市工业和信息化局", "11320800MB1FMFTW3C", "淮工信"),
    Department("sports", "淮安市体育局", "11320800MB1C8U7Q60", "淮体"),
)
DEPARTMENT_INDEX = {d.key: i for i, d in enumerate(DEPARTMENTS)}

# Who delivers the feeds that are not tied to one department's content.
SELF_DECLARATION_DEPARTMENT = "development_reform"  # zzsb is collected by the platform itself
COURT_DEPARTMENT = "court"  # sxbzxr: the intermediate court delivers for all courts of the city


# --- People and names ----------------------------------------------------------------------------

# Common surnames with rough frequencies (%, with Jiangsu's 朱 徐 陆 顾 沈 钱 a little higher).
SURNAMES = {
    "王": 7.1, "李": 6.5, "张": 6.4, "刘": 4.8, "陈": 4.8, "杨": 2.9, "黄": 2.0, "赵": 2.0, "吴": 2.2,
    "周": 2.2, "徐": 2.4, "孙": 1.6, "马": 1.2, "朱": 2.0, "胡": 1.3, "郭": 1.0, "何": 1.0, "林": 0.9,
    "高": 1.1, "罗": 0.7, "郑": 0.8, "梁": 0.7, "谢": 0.7, "宋": 0.7, "唐": 0.8, "许": 0.9, "韩": 0.6,
    "冯": 0.6, "邓": 0.5, "曹": 0.7, "彭": 0.5, "曾": 0.4, "肖": 0.5, "田": 0.5, "董": 0.5, "袁": 0.5,
    "潘": 0.5, "于": 0.4, "蒋": 0.6, "蔡": 0.5, "余": 0.4, "杜": 0.4, "叶": 0.5, "程": 0.5, "苏": 0.4,
    "魏": 0.4, "吕": 0.4, "丁": 0.5, "任": 0.3, "沈": 0.7, "姚": 0.4, "卢": 0.3, "姜": 0.4, "崔": 0.3,
    "钟": 0.3, "谭": 0.3, "陆": 0.8, "汪": 0.4, "范": 0.4, "金": 0.4, "石": 0.3, "贾": 0.3, "夏": 0.4,
    "付": 0.3, "方": 0.3, "邹": 0.3, "孟": 0.3, "秦": 0.3, "邱": 0.3, "江": 0.3, "尹": 0.2, "薛": 0.4,
    "段": 0.2, "侯": 0.3, "史": 0.3, "陶": 0.3, "顾": 0.7, "毛": 0.2, "邵": 0.3, "钱": 0.5, "严": 0.3,
    "葛": 0.3, "戴": 0.3, "仲": 0.2, "季": 0.2, "殷": 0.2,
}
GIVEN_NAME_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力鹏飞国庆春梅兰海波宁斌宇浩凯俊帆"
    "雪琳晨欣怡子涵轩睿博思雨佳晓志永新林成峰亮东云荣婷倩颖慧鑫嘉晶璐瑶君锋诚彬悦旭阳"
)
# Foreign permanent residents keep their transliterated names.
FOREIGN_NAMES = ("迈克尔·约翰逊", "安娜·施密特", "金敏俊", "田中宏", "大卫·米勒", "玛丽亚·加西亚", "朴智勋")
FOREIGN_COUNTRY_CODES = ("840", "276", "410", "392", "826", "724")  # ISO 3166 numeric

# Trade-name characters (字号) and local street names used in organisation names.
BRAND_CHARS = "恒瑞华鑫达通宏盛源泰福祥和兴隆嘉润金鼎信诚德安康宇辰博远新星汇丰正佳顺昌运凯联创科明天方益茂永众合瀚睿航腾"
STREETS = (
    "淮海路", "健康路", "人民路", "解放路", "北京路", "翔宇大道", "枚乘路", "承德路", "淮河路", "深圳路",
    "上海路", "延安路", "西安路", "南昌路", "萧湖", "清河", "钵池", "白鹭湖", "古淮河", "水渡口",
)


# --- Organisation types (GB 32100 registration authority + type code) ---------------------------

class NameTemplate(NamedTuple):
    industries: tuple[str, ...]  # empty: any company trade from INDUSTRIES
    pattern: str  # placeholders: {prefix} {local} {brand} {street} {word} {shop}
    weight: float


class OrgType(NamedTuple):
    code: str  # first two characters of the USCC
    share: float  # of 法人及非法人组织 subjects
    registry_department: str  # who delivers their djzc rows
    registrar: str  # 登记机关 = region authority name + this
    templates: tuple[NameTemplate, ...]


ORG_TYPES: tuple[OrgType, ...] = (
    OrgType("91", 0.855, "market_regulation", "市场监督管理局", (
        NameTemplate((), "{prefix}{brand}{word}有限公司", 80),
        NameTemplate((), "江苏{brand}{word}有限公司", 6),
        NameTemplate((), "{prefix}{brand}{word}股份有限公司", 4),
        NameTemplate((), "{prefix}{brand}{word}有限责任公司", 10),
    )),
    OrgType("93", 0.02, "market_regulation", "市场监督管理局", (
        NameTemplate(AGRICULTURE, "{local}{brand}{word}专业合作社", 1),
    )),
    OrgType("12", 0.04, "establishment_office", "事业单位登记管理局", (
        NameTemplate(("P8321",), "{local}{street}小学", 3),
        NameTemplate(("P8310",), "{local}{street}幼儿园", 2),
        NameTemplate(("Q8421",), "{local}{street}社区卫生服务中心", 2),
        NameTemplate(("M7320",), "{prefix}{brand}技术研究所", 1),
    )),
    OrgType("51", 0.015, "civil_affairs", "民政局", (
        NameTemplate(("S9522",), "{prefix}{brand}商会", 1),
    )),
    OrgType("52", 0.03, "civil_affairs", "民政局", (
        NameTemplate(("P8391",), "{prefix}{brand}职业培训学校", 1),
        NameTemplate(("Q8514",), "{local}{brand}养老服务中心", 1),
    )),
    OrgType("53", 0.005, "civil_affairs", "民政局", (
        NameTemplate(("S9530",), "{prefix}{brand}慈善基金会", 1),
    )),
    OrgType("N2", 0.015, "agriculture", "农业农村局", (
        NameTemplate(("S9620",), "{local}{brand}村股份经济合作社", 1),
    )),
    OrgType("Y1", 0.01, "administrative_approval", "行政审批局", (
        NameTemplate(("O8090",), "{local}{brand}综合服务站", 1),
    )),
    OrgType("A1", 0.01, "establishment_office", "机构编制委员会办公室", (
        NameTemplate(("Q8511",), "{prefix}{brand}干部休养所", 1),
    )),
)
INDIVIDUAL_TEMPLATE = NameTemplate((), "{local}{brand}{shop}", 1)  # 个体工商户, e.g. 清江浦区恒瑞便利店
INDIVIDUAL_REGISTRAR = "市场监督管理局"

REGISTRY_STATUSES = ("存续", "在业", "吊销", "注销", "迁出")
REGISTRY_STATUS_WEIGHTS = {  # organisations, individual businesses
    "organisation": (72, 12, 4, 9, 3),
    "individual": (40, 50, 3, 7, 0),
}

ID_TYPES = ("身份证", "护照号", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证")
OTHER_ID_TYPE_SHARES = (0.015, 0.005, 0.005, 0.005)  # of people; the rest hold a 身份证


# --- What departments write ----------------------------------------------------------------------
# `applies`: "org" (法人及非法人组织 and 个体工商户), "person" (自然人) or "all".

class Permit(NamedTuple):  # xzxk
    department: str
    certificate: str  # 许可证书名称
    kind: str  # 许可类别
    content: str  # 许可内容
    number_prefix: str  # 许可编号 starts with it
    years: int  # validity; 0 = long-term
    applies: str
    weight: float


PERMITS: tuple[Permit, ...] = (
    Permit("market_regulation", "食品经营许可证", "普通", "预包装食品销售（含冷藏冷冻食品）、散装食品销售", "JY13208", 5, "org", 14),
    Permit("market_regulation", "食品生产许可证", "普通", "糕点、饮料生产", "SC10632080", 5, "org", 3),
    Permit("market_regulation", "特种设备使用登记证", "登记", "电梯、压力容器使用登记", "TSSY3208", 0, "org", 4),
    Permit("market_regulation", "食品小作坊登记证", "登记", "食品小作坊生产登记", "XZF3208", 3, "org", 2),
    Permit("administrative_approval", "公共场所卫生许可证", "普通", "住宿、美容美发场所卫生许可", "HAWGZ", 4, "org", 8),
    Permit("administrative_approval", "道路运输经营许可证", "普通", "道路普通货物运输", "JSJYX3208", 4, "org", 8),
    Permit("administrative_approval", "户外广告设施设置许可", "其他", "户外广告设施设置", "HAHW", 2, "org", 1),
    Permit("housing", "建筑工程施工许可证", "普通", "房屋建筑工程施工", "SGXK3208", 0, "org", 6),
    Permit("housing", "建筑业企业资质证书", "认可", "建筑工程施工总承包三级", "D332", 5, "org", 4),
    Permit("housing", "商品房预售许可证", "普通", "商品住宅预售", "HAYS", 0, "org", 1),
    Permit("transport", "道路运输从业资格证", "认可", "经营性道路货物运输驾驶员", "JSCY", 6, "person", 5),
    Permit("health", "医疗机构执业许可证", "普通", "内科；外科；预防保健科", "PDY3208", 5, "org", 2),
    Permit("health", "医师执业证书", "认可", "执业类别：临床；执业范围：内科专业", "YS3208", 0, "person", 3),
    Permit("health", "护士执业证书", "认可", "护士执业注册", "HS3208", 5, "person", 3),
    Permit("ecology_environment", "排污许可证", "普通", "废水、废气污染物排放", "PW3208", 5, "org", 4),
    Permit("emergency", "安全生产许可证", "普通", "危险化学品生产", "SWHAX", 3, "org", 2),
    Permit("emergency", "危险化学品经营许可证", "普通", "危险化学品经营（不带储存设施）", "SHAWJ", 3, "org", 2),
    Permit("emergency", "特种作业操作证", "认可", "电工作业（低压电工作业）", "T3208", 6, "person", 4),
    Permit("culture_tourism", "娱乐经营许可证", "普通", "歌舞娱乐场所经营", "HAYL", 2, "org", 1),
    Permit("agriculture", "农药经营许可证", "普通", "农药（不含限制使用农药）经营", "NYJY3208", 5, "org", 1),
    Permit("water", "取水许可证", "普通", "地下水取水", "QS3208", 5, "org", 1),
    Permit("public_security", "特种行业许可证", "特许", "旅馆业", "HATH", 0, "org", 1),
    Permit("education", "民办学校办学许可证", "普通", "文化教育培训", "JMB3208", 5, "org", 1),
    Permit("human_resources", "劳务派遣经营许可证", "普通", "劳务派遣经营", "HALP", 3, "org", 1),
    Permit("human_resources", "人力资源服务许可证", "普通", "职业中介活动", "HARL", 0, "org", 1),
    Permit("urban_management", "城市建筑垃圾处置核准", "核准", "建筑垃圾运输处置", "HACG", 1, "org", 2),
    Permit("commerce", "成品油零售经营批准证书", "特许", "成品油零售", "SYLS", 5, "org", 1),
    Permit("natural_resources", "建设用地规划许可证", "普通", "建设用地规划许可", "DZ3208", 0, "org", 1),
)


class PenaltyCase(NamedTuple):  # xzcf
    department: str
    violation: str  # 违法行为类型
    facts: str  # 违法事实
    basis: str  # 处罚依据
    licence: str  # the licence suspended or revoked, when the penalty does that; empty: none
    applies: str
    weight: float


PENALTY_CASES: tuple[PenaltyCase, ...] = (
    PenaltyCase("market_regulation", "销售不符合食品安全标准的食品", "经抽样检验，当事人销售的预包装食品不符合食品安全标准",
                "《中华人民共和国食品安全法》第一百二十四条", "食品经营许可证", "org", 12),
    PenaltyCase("market_regulation", "发布虚假广告", "当事人在经营场所及网络平台发布虚假广告，欺骗、误导消费者",
                "《中华人民共和国广告法》第五十五条", "", "org", 5),
    PenaltyCase("market_regulation", "销售侵犯注册商标专用权的商品", "当事人销售侵犯注册商标专用权的商品",
                "《中华人民共和国商标法》第六十条", "", "org", 4),
    PenaltyCase("market_regulation", "未明码标价", "当事人销售商品未按照规定明码标价",
                "《中华人民共和国价格法》第四十二条", "", "all", 4),
    PenaltyCase("market_regulation", "使用未经检验的特种设备", "当事人使用未经定期检验的电梯",
                "《中华人民共和国特种设备安全法》第八十四条", "特种设备使用登记证", "org", 3),
    PenaltyCase("market_regulation", "无照经营", "当事人未依法取得营业执照从事经营活动",
                "《无证无照经营查处办法》第十三条", "", "person", 3),
    PenaltyCase("tax", "未按规定期限办理纳税申报", "当事人未按照规定期限办理纳税申报和报送纳税资料",
                "《中华人民共和国税收征收管理法》第六十二条", "", "all", 14),
    PenaltyCase("tax", "未按规定开具发票", "当事人未按照规定开具发票",
                "《中华人民共和国发票管理办法》第三十五条", "", "org", 5),
    PenaltyCase("ecology_environment", "超标排放大气污染物", "当事人排放的大气污染物超过国家规定的排放标准",
                "《中华人民共和国大气污染防治法》第九十九条", "排污许可证", "org", 5),
    PenaltyCase("ecology_environment", "未按规定贮存危险废物", "当事人未按照规定贮存、转移危险废物",
                "《中华人民共和国固体废物污染环境防治法》第一百一十二条", "排污许可证", "org", 3),
    PenaltyCase("emergency", "未按规定开展安全生产教育和培训", "当事人未如实记录安全生产教育和培训情况",
                "《中华人民共和国安全生产法》第九十七条", "安全生产许可证", "org", 5),
    PenaltyCase("emergency", "未采取措施消除事故隐患", "当事人对检查发现的事故隐患未采取措施消除",
                "《中华人民共和国安全生产法》第一百零二条", "安全生产许可证", "org", 3),
    PenaltyCase("housing", "未取得施工许可证擅自施工", "当事人未取得施工许可证擅自开工建设",
                "《中华人民共和国建筑法》第六十四条", "建筑业企业资质证书", "org", 3),
    PenaltyCase("human_resources", "拖欠劳动者工资", "当事人无故拖欠劳动者工资报酬",
                "《劳动保障监察条例》第二十六条", "劳务派遣经营许可证", "org", 3),
    PenaltyCase("human_resources", "未按时足额缴纳社会保险费", "当事人未按时足额缴纳社会保险费",
                "《中华人民共和国社会保险法》第八十六条", "", "org", 2),
    PenaltyCase("transport", "车辆超限运输", "当事人车辆超过公路限载标准行驶",
                "《公路安全保护条例》第六十四条", "道路运输经营许可证", "org", 5),
    PenaltyCase("transport", "未取得道路运输经营许可擅自从事道路运输经营", "当事人未取得道路运输经营许可擅自从事道路货物运输经营",
                "《中华人民共和国道路运输条例》第六十三条", "道路运输从业资格证", "person", 3),
    PenaltyCase("public_security", "扰乱公共秩序", "当事人在公共场所扰乱秩序",
                "《中华人民共和国治安管理处罚法》第二十三条", "", "person", 6),
    PenaltyCase("public_security", "盗窃", "当事人盗窃他人财物",
                "《中华人民共和国治安管理处罚法》第四十九条", "", "person", 4),
    PenaltyCase("fire_rescue", "消防设施未保持完好有效", "当事人消防设施、器材未保持完好有效",
                "《中华人民共和国消防法》第六十条", "", "org", 4),
    PenaltyCase("urban_management", "违规占道经营", "当事人擅自占用城市道路从事经营活动",
                "《城市市容和环境卫生管理条例》第三十六条", "", "all", 5),
    PenaltyCase("health", "非医师行医", "当事人未取得医师资格从事医师执业活动",
                "《中华人民共和国医师法》第五十九条", "医师执业证书", "person", 2),
    PenaltyCase("health", "公共场所卫生不符合要求", "当事人经营的公共场所卫生质量不符合国家卫生标准",
                "《公共场所卫生管理条例实施细则》第三十六条", "公共场所卫生许可证", "org", 2),
    PenaltyCase("medical_security", "违规使用医疗保障基金", "当事人通过分解住院、过度诊疗等方式违规使用医疗保障基金",
                "《医疗保障基金使用监督管理条例》第三十八条", "", "org", 2),
    PenaltyCase("agriculture", "经营劣质农药", "当事人经营的农药经检验为劣质农药",
                "《农药管理条例》第五十六条", "农药经营许可证", "org", 1),
    PenaltyCase("natural_resources", "非法占用土地", "当事人未经批准非法占用集体土地建设厂房",
                "《中华人民共和国土地管理法》第七十七条", "", "all", 2),
    PenaltyCase("water", "未经批准擅自取水", "当事人未经批准擅自取用地下水",
                "《中华人民共和国水法》第六十九条", "取水许可证", "org", 1),
    PenaltyCase("statistics", "提供不真实统计资料", "当事人提供不真实的统计资料",
                "《中华人民共和国统计法》第四十一条", "", "org", 1),
    PenaltyCase("culture_tourism", "娱乐场所超时营业", "当事人经营的娱乐场所在规定时间以外营业",
                "《娱乐场所管理条例》第四十八条", "娱乐经营许可证", "org", 1),
)
DETENTION_DEPARTMENTS = ("public_security",)  # only the police detain (行政拘留)


class PenaltyMix(NamedTuple):
    categories: str  # 处罚类别, ;-separated
    organisation: float  # weight for 法人及非法人组织 and 个体工商户
    person: float  # weight for 自然人


PENALTY_MIXES: tuple[PenaltyMix, ...] = (
    PenaltyMix("警告", 14, 14),
    PenaltyMix("通报批评", 2, 1),
    PenaltyMix("警告;通报批评", 1, 0),
    PenaltyMix("罚款", 36, 30),
    PenaltyMix("警告;罚款", 14, 18),
    PenaltyMix("没收违法所得;罚款", 12, 6),
    PenaltyMix("没收非法财物;罚款", 3, 3),
    PenaltyMix("没收违法所得;没收非法财物;罚款", 1, 0),
    PenaltyMix("暂扣许可证件;罚款", 2, 4),
    PenaltyMix("降低资质等级;罚款", 1, 0),
    PenaltyMix("吊销许可证件", 1, 1),
    PenaltyMix("罚款;吊销许可证件", 1, 1),
    PenaltyMix("限制开展生产经营活动;罚款", 1, 0),
    PenaltyMix("责令停产停业;罚款", 2, 0),
    PenaltyMix("责令关闭", 0.5, 0),
    PenaltyMix("限制从业;罚款", 0.5, 1),
    PenaltyMix("行政拘留", 0, 8),
    PenaltyMix("行政拘留;罚款", 0, 5),
    PenaltyMix("其他", 1, 1),
)
# SPEC §4: these categories make a penalty 严重 by themselves.
SEVERE_CATEGORIES = ("吊销许可证件", "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业")
MILD_CATEGORIES = ("警告", "通报批评")
LENIENCY_REASONS = ("不可抗力", "非主观故意")  # 从轻情形 other than 未成年人
PENALTY_REMARKS = ("当事人已缴纳罚款", "当事人已完成整改", "经听证程序作出")


class OtherAction(NamedTuple):  # qtxw
    department: str
    action: str  # 行为类型
    content: str  # 内容
    applies: str
    weight: float


OTHER_ACTIONS: tuple[OtherAction, ...] = (
    OtherAction("market_regulation", "行政监督检查", "“双随机、一公开”日常监督检查", "org", 14),
    OtherAction("emergency", "行政监督检查", "安全生产监督检查", "org", 6),
    OtherAction("ecology_environment", "行政监督检查", "排污单位现场执法检查", "org", 5),
    OtherAction("health", "行政监督检查", "公共场所卫生监督检查", "org", 4),
    OtherAction("fire_rescue", "行政监督检查", "消防安全检查", "org", 6),
    OtherAction("housing", "行政监督检查", "建筑工地安全文明施工检查", "org", 3),
    OtherAction("tax", "行政强制", "税收保全措施（冻结银行存款）", "org", 2),
    OtherAction("tax", "行政征收", "征收税款滞纳金", "all", 5),
    OtherAction("market_regulation", "行政强制", "查封、扣押涉嫌违法物品", "org", 2),
    OtherAction("urban_management", "行政强制", "强制拆除违法建设", "all", 1),
    OtherAction("human_resources", "行政给付", "发放稳岗返还资金", "org", 5),
    OtherAction("human_resources", "行政给付", "发放失业保险金", "person", 8),
    OtherAction("civil_affairs", "行政给付", "发放最低生活保障金", "person", 6),
    OtherAction("human_resources", "行政确认", "工伤认定", "person", 4),
    OtherAction("civil_affairs", "行政确认", "残疾人两项补贴资格确认", "person", 2),
    OtherAction("natural_resources", "行政裁决", "土地权属争议裁决", "all", 1),
    OtherAction("housing", "行政补偿", "国有土地上房屋征收补偿", "all", 2),
    OtherAction("development_reform", "行政奖励", "市级诚信示范企业表彰", "org", 2),
    OtherAction("science_technology", "行政奖励", "科技进步奖励", "org", 2),
    OtherAction("industry_it", "行政给付", "工业和信息产业转型升级专项资金拨付", "org", 2),
    OtherAction("finance", "行政给付", "财政专项补助资金拨付", "org", 1),
    OtherAction("sports", "行政奖励", "体育先进个人表彰", "person", 1),
    OtherAction("natural_resources", "行政征收", "征收土地复垦费", "org", 1),
)
ACTION_TAGS = {  # 决定文书号: 淮市监检〔2024〕12号
    "行政强制": "强", "行政确认": "确", "行政征收": "征", "行政给付": "给",
    "行政裁决": "裁", "行政补偿": "补", "行政奖励": "奖", "行政监督检查": "检",
}
INSPECTION_RESULTS = {"合格": 70, "责令整改": 20, "不合格": 10}  # only for 行政监督检查


class Court(NamedTuple):  # sxbzxr
    code: str  # 案号 court code
    name: str
    weight: float


COURTS: tuple[Court, ...] = (
    Court("苏08", "淮安市中级人民法院", 3), Court("苏0803", "淮安市淮安区人民法院", 3),
    Court("苏0804", "淮安市淮阴区人民法院", 3), Court("苏0812", "淮安市清江浦区人民法院", 5),
    Court("苏0813", "淮安市洪泽区人民法院", 2), Court("苏0826", "涟水县人民法院", 3),
    Court("苏0830", "盱眙县人民法院", 2), Court("苏0831", "金湖县人民法院", 2),
)
# The six cases of 最高人民法院《关于公布失信被执行人名单信息的若干规定》第一条.
DISHONEST_CONDUCT = (
    "有履行能力而拒不履行生效法律文书确定义务", "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
    "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行", "违反财产报告制度",
    "违反限制消费令", "无正当理由拒不履行执行和解协议",
)
EXECUTION_BASIS_KINDS = ("民初", "民终", "商初")
PERFORMANCE = {"全部未履行": 75, "部分履行": 15, "已履行": 10}


class ListCase(NamedTuple):  # xymd
    list_type: str
    department: str
    reason: str  # 列入事由
    applies: str
    months: int | None  # 有效期至 after 列入日期; 0 = long-term; None = until removed
    weight: float


LIST_CASES: tuple[ListCase, ...] = (
    ListCase("红名单", "tax", "纳税信用A级纳税人", "org", 12, 10),
    ListCase("红名单", "market_regulation", "守合同重信用企业", "org", 24, 5),
    ListCase("红名单", "human_resources", "劳动保障守法诚信A级用人单位", "org", 24, 4),
    ListCase("红名单", "development_reform", "诚信之星", "person", 0, 2),
    ListCase("红名单", "transport", "交通运输守信激励对象", "org", 12, 2),
    ListCase("严重失信主体名单", "human_resources", "拖欠农民工工资失信联合惩戒对象", "all", 36, 4),
    ListCase("严重失信主体名单", "tax", "重大税收违法失信主体", "all", 36, 4),
    ListCase("严重失信主体名单", "market_regulation", "市场监督管理严重违法失信名单", "org", 36, 4),
    ListCase("严重失信主体名单", "emergency", "安全生产严重失信主体", "org", 36, 1),
    ListCase("严重失信主体名单", "transport", "交通运输严重失信主体", "org", 36, 1),
    ListCase("严重失信主体名单", "housing", "建筑市场主体严重失信名单", "org", 36, 1),
    ListCase("重点关注名单", "ecology_environment", "环境信用重点关注对象", "org", 12, 5),
    ListCase("重点关注名单", "emergency", "安全生产重点关注对象", "org", 12, 4),
    ListCase("重点关注名单", "health", "医疗卫生行业重点关注对象", "all", 12, 2),
    ListCase("重点关注名单", "medical_security", "医疗保障领域重点关注对象", "all", 12, 2),
    ListCase("经营异常名录", "market_regulation", "未按照规定期限公示年度报告", "org", None, 28),
    ListCase("经营异常名录", "market_regulation", "通过登记的住所或者经营场所无法联系", "org", None, 10),
    ListCase("经营异常名录", "market_regulation", "未在责令期限内公示有关企业信息", "org", None, 2),
)
LIST_TAGS = {"红名单": "红", "严重失信主体名单": "失信", "重点关注名单": "关注", "经营异常名录": "异"}
REMOVAL_REASONS = {
    "红名单": "存在失信行为被移出", "严重失信主体名单": "已完成信用修复",
    "重点关注名单": "整改完成", "经营异常名录": "已补报年度报告并公示",
}


class Commitment(NamedTuple):  # xycn
    kind: str  # 承诺类型
    matter: str  # 承诺事项
    department: str
    applies: str
    weight: float


COMMITMENTS: tuple[Commitment, ...] = (
    Commitment("审批替代型", "食品经营许可告知承诺", "market_regulation", "org", 6),
    Commitment("审批替代型", "公共场所卫生许可告知承诺", "administrative_approval", "org", 4),
    Commitment("容缺受理型", "建筑工程施工许可容缺受理", "housing", "org", 3),
    Commitment("容缺受理型", "道路运输经营许可容缺受理", "administrative_approval", "org", 2),
    Commitment("证明事项告知承诺", "无犯罪记录证明告知承诺", "public_security", "person", 4),
    Commitment("证明事项告知承诺", "社会保险缴纳证明告知承诺", "human_resources", "all", 3),
    Commitment("证明事项告知承诺", "纳税情况证明告知承诺", "tax", "all", 3),
    Commitment("主动公示型", "市场主体公开信用承诺", "development_reform", "org", 5),
    Commitment("行业自律型", "行业协会会员自律承诺", "commerce", "org", 2),
    Commitment("信用修复型", "失信行为整改信用修复承诺", "development_reform", "all", 2),
)
FULFILMENT = {"履约中": 55, "已履约": 28, "部分履约": 7, "未履约": 10}


class Declaration(NamedTuple):  # zzsb
    category: str  # 申报类别
    content: str  # 申报内容
    verifier: str  # the department that verifies it
    applies: str
    weight: float


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration("资质证照", "建筑业企业资质证书", "housing", "org", 3),
    Declaration("资质证照", "食品经营许可证", "market_regulation", "org", 3),
    Declaration("生产经营", "上年度营业收入及纳税情况", "tax", "org", 4),
    Declaration("合同履约", "重大合同履约情况", "market_regulation", "org", 2),
    Declaration("表彰奖励", "市级文明单位", "development_reform", "org", 2),
    Declaration("表彰奖励", "市级劳动模范", "human_resources", "person", 1),
    Declaration("从业人员", "专业技术人员持证情况", "human_resources", "org", 2),
    Declaration("从业人员", "职业资格证书", "human_resources", "person", 2),
    Declaration("社会公益", "无偿献血荣誉证书", "health", "person", 2),
    Declaration("社会公益", "公益慈善捐赠", "civil_affairs", "all", 2),
)
VERIFICATION = {"未核验": 35, "核验通过": 55, "核验不通过": 10}


class RatingField(NamedTuple):  # hypj
    department: str
    field: str  # 评价领域
    months: int  # 有效期至 after 评价日期
    weight: float


RATING_FIELDS: tuple[RatingField, ...] = (
    RatingField("tax", "纳税信用评价", 12, 10),
    RatingField("housing", "建筑业企业信用综合评价", 12, 4),
    RatingField("transport", "道路运输企业质量信誉考核", 12, 3),
    RatingField("ecology_environment", "企业环保信用评价", 12, 3),
    RatingField("human_resources", "劳动保障守法诚信等级评价", 24, 3),
    RatingField("market_regulation", "食品生产经营风险等级评定", 12, 3),
    RatingField("emergency", "安全生产信用评价", 12, 2),
    RatingField("commerce", "商贸流通企业信用评价", 24, 1),
)
GRADES = {"A": 30, "B": 45, "C": 18, "D": 7}


# yysq and xyxf
OBJECTION_REASONS = {  # by the feed of the record objected to
    "xzcf": ("处罚信息记载错误", "已履行处罚决定，申请更正失信程度", "认为行政相对人认定错误", "罚款金额记载有误"),
    "xymd": ("列入名单依据不足", "已整改完毕，申请提前移出", "认为行政相对人认定错误"),
}
OBJECTION_OUTCOMES = {"": 25, "更正": 25, "撤销": 15, "维持": 35}  # "" = still pending
REPAIR_METHODS = ("整改失信", "信用承诺", "接受培训", "提交报告", "公益慈善", "消除不良影响")
REPAIR_DECISIONS = {"受理中": 30, "同意": 55, "不同意": 15}
REPAIR_REFUSALS = ("失信行为未完成整改", "未提交信用修复承诺书", "申请材料不齐全")
REPAIR_TOO_EARLY = "未满最短公示期"
