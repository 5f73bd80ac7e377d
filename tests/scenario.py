"""A small hand-made drop whose outcome is known by construction (SPEC §4-§5), as of AS_OF.

Each subject stands for one rule; EXPECTED_CLASS says the class it must get.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from stdnum.cn import ric, uscc

from credit_pipeline.catalogue import load_catalogue
from credit_tools.demo.writers import write_delivery

AS_OF = date(2026, 6, 30)


def make_uscc(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


def make_id(body17: str) -> str:
    # ric.calc_check_digit reads the first 17 characters of a full 18-character number.
    return body17 + ric.calc_check_digit(body17 + "0")


DEPT_SAMR = make_uscc("11320281MB000001X")  # 市场监督管理局
DEPT_COURT = make_uscc("11320281MB000002X")  # 人民法院
DEPT_CREDIT = make_uscc("11320281MB000003X")  # 信用办

P1 = make_id("32028119800101123")  # legal representative of A and A2
P_MINOR = make_id("32028120100501002")  # born 2010-05-01: a minor in 2026
P_DEBTOR = make_id("32028119750315004")  # 失信被执行人
P_CONTROLLER = make_id("32028119820202003")  # actual controller of A
P_MINOR_DEBTOR = make_id("32028120110301001")  # born 2011-03-01: a 15-year-old on the court's list -> 从轻不计
P_E_REP = make_id("32028119850505007")  # legal representative of E, a 失信被执行人 company -> 限制高消费 (P10)
P_E_CONTROLLER = make_id("32028119700707008")  # actual controller of E -> 限制高消费 (P11)
P_FINED = make_id("32028119920303002")  # 孙小红, fined: her name and ID number stand inside the penalty's free text
STRANGER_ID = make_id("32028119880808001")  # a person tied to no record, named by ID in P_FINED's 违法事实
P_RETIRED_COUNTY = make_id("32021919700101005")  # 320219 is a retired county code: still valid

A = make_uscc("91320281MA1AAAAAX")  # on the 严重失信主体名单 -> 严重失信
A2 = make_uscc("91320281MA1AAAABX")  # shares legal rep P1 with A -> related-party risk
B = make_uscc("91320281MA1BBBBBX")  # active 严重 penalty (吊销) -> 一般失信 (floor)
C = make_uscc("91320281MA1CCCCCX")  # only a licence -> 诚信守法
D = make_uscc("N2320281MA1DDDDDX")  # 一般 penalty (active until 2026-12) repaired after 3 months -> 诚信守法; N-prefixed
F = make_uscc("91320281MA1FFFFFX")  # 一般 penalty under objection -> 轻微失信, 异议处理中
G = make_uscc("Y1320281MA1GGGGGX")  # 一般 penalty revoked by objection -> 诚信守法, 已撤销; Y-prefixed
H = make_uscc("91320281MA1HHHHHX")  # repair applied before the minimum period -> refused, stays 轻微失信
J = make_uscc("92320281MA1JJJJJX")  # 严重 penalty corrected to 一般 by objection -> 轻微失信; 个体工商户
RB = make_uscc("91320281MA1MMMMMX")  # on the 红名单 with an active 严重 penalty -> 一般失信, red/black conflict, no incentives
R = make_uscc("91320281MA1RRRRRX")  # on the 红名单, nothing negative -> 诚信守法 with class and red-list incentives
K9 = make_uscc("91320281MA1K9K9KX")  # one penalty delivered as _9 (严重) and _10 (一般) on one day: _10 wins -> 轻微失信
N1 = make_uscc("91320281MA1NNNNNX")  # 一般 penalties of 2025-06-30 (published on its anniversary, AS_OF) and 2025-06-29 (past) -> 轻微失信
M1 = make_uscc("91320281MA1PPPPPX")  # 轻微 penalty (警告) repaired at once (NDRC Order No. 36) -> 诚信守法
L1 = make_uscc("91320281MA1LLLLLX")  # 一般 penalty delivered on time, corrected by a late re-delivery: not late -> 轻微失信
E = make_uscc("91320281MA1EEEEEX")  # a 失信被执行人 company -> 严重失信 with the class's measures; a later 一般 penalty keeps its class_since
BAD = "91320281MA1BADBA0"  # wrong check character (and too short): set aside

EXPECTED_CLASS = {
    A: "严重失信", A2: "诚信守法", B: "一般失信", C: "诚信守法", D: "诚信守法", F: "轻微失信", G: "诚信守法",
    H: "轻微失信", J: "轻微失信", RB: "一般失信", R: "诚信守法", K9: "轻微失信", N1: "轻微失信", M1: "诚信守法", L1: "轻微失信", E: "严重失信", P_E_REP: "诚信守法", P_E_CONTROLLER: "诚信守法", P_FINED: "轻微失信", P_MINOR: "诚信守法", P_MINOR_DEBTOR: "诚信守法", P_DEBTOR: "严重失信", P1: "诚信守法", P_CONTROLLER: "诚信守法",
}
EXPECTED_SET_ASIDE = {"invalid_uscc": 1, "no_legal_document": 1}


def _subject(sid: str, name: str, kind: str = "法人及非法人组织", rep: str = "王建国", rep_id: str = "") -> dict:
    person = kind == "自然人"
    return {
        "行政相对人名称": name, "行政相对人类别": kind,
        "统一社会信用代码": "" if person else sid, "工商注册号": "",
        "法定代表人": "" if person or kind == "个体工商户" else rep,
        "法定代表人证件类型": "身份证" if rep_id else "", "法定代表人证件号码": rep_id,
        "证件类型": "身份证" if person else "", "证件号码": sid if person else "",
    }


def _penalty(sid, name, doc, day, categories="罚款", fine="5", severity="", kind="法人及非法人组织", rep_id=""):
    return _subject(sid, name, kind, rep_id=rep_id) | {
        "行政处罚决定书文号": doc, "违法行为类型": "违反价格管理规定", "违法事实": "未明码标价", "处罚依据": "《价格法》第四十二条",
        "处罚类别": categories, "处罚内容": "罚款并责令改正", "罚款金额（万元）": fine if "罚款" in categories else "",
        "没收违法所得、没收非法财物的金额（万元）": "", "暂扣或吊销证照名称及编号": "营业执照 320281000001" if "吊销" in categories else "",
        "处罚决定日期": day, "处罚有效期": "2099-12-31", "公示截止期": "", "处罚机关": "市场监督管理局",
        "处罚机关统一社会信用代码": DEPT_SAMR, "数据来源单位统一社会信用代码": DEPT_SAMR, "失信程度": severity, "从轻情形": "", "备注": "",
    }


def _frame(feed: str, rows: list[dict]) -> pd.DataFrame:
    columns = load_catalogue()[feed].item_names
    return pd.DataFrame([{c: r.get(c, "") for c in columns} for r in rows], columns=columns)


def write_scenario(feed_dir: Path) -> None:
    penalties = [
        _penalty(B, "乙公司", "澄市监罚〔2026〕1号", "2026-03-01", "罚款;吊销许可证件", "20"),
        _penalty(D, "丁合作社", "澄市监罚〔2025〕4号", "2025-12-01", "罚款", "5"),
        _penalty(P_MINOR, "李小明", "澄市监罚〔2026〕5号", "2026-02-01", "罚款", "1", kind="自然人"),
        _penalty(F, "戊公司", "澄市监罚〔2026〕6号", "2026-05-01", "罚款", "5"),
        _penalty(G, "己协会", "澄市监罚〔2026〕7号", "2026-04-01", "罚款", "5"),
        _penalty(H, "庚公司", "澄市监罚〔2026〕8号", "2026-04-01", "罚款", "5"),
        _penalty(J, "辛记小吃店", "澄市监罚〔2026〕9号", "2026-04-01", "罚款", "150", kind="个体工商户"),
        _penalty(BAD, "坏代码公司", "澄市监罚〔2026〕10号", "2026-04-01", "警告"),
        _penalty(C, "丙公司", "", "2026-04-01", "警告"),  # no legal document: never accepted
    ]
    write_delivery(_frame("xzcf", penalties[:3]), feed_dir / "xzcf" / f"{DEPT_SAMR}_20260310.csv", encoding="gbk")
    write_delivery(_frame("xzcf", penalties[3:]), feed_dir / "xzcf" / f"{DEPT_SAMR}_20260505.csv")

    registry = [
        {"统一社会信用代码": sid, "主体名称": name, "主体类别": kind, "法定代表人": "" if kind == "个体工商户" else "王建国",
         "法定代表人证件类型": "身份证" if rep else "", "法定代表人证件号码": rep,
         "实际控制人": "钱多多" if sid == A else "", "实际控制人证件号码": P_CONTROLLER if sid == A else "",
         "成立日期": "2015-01-01", "登记机关": "江阴市市场监督管理局", "住所行政区划代码": "320281", "国民经济行业代码": "C1811",
         "登记状态": "存续", "数据来源单位统一社会信用代码": DEPT_SAMR}
        for sid, name, kind, rep in [
            (A, "甲公司", "法人及非法人组织", P1), (A2, "甲二公司", "法人及非法人组织", P1), (B, "乙公司", "法人及非法人组织", ""),
            (C, "丙公司", "法人及非法人组织", ""), (D, "丁合作社", "法人及非法人组织", ""), (F, "戊公司", "法人及非法人组织", ""),
            (G, "己协会", "法人及非法人组织", ""), (H, "庚公司", "法人及非法人组织", ""), (J, "辛记小吃店", "个体工商户", ""),
            (RB, "卯公司", "法人及非法人组织", ""), (R, "癸公司", "法人及非法人组织", ""),
        ]
    ]
    write_delivery(_frame("djzc", registry), feed_dir / "djzc" / f"{DEPT_SAMR}_20250101.xlsx")

    licence = _subject(C, "丙公司") | {
        "行政许可决定文书号": "澄市监许〔2026〕1号", "许可类别": "普通", "许可内容": "食品经营许可", "许可决定日期": "2026/01/05",
        "有效期自": "20260105", "有效期至": "2099-12-31", "许可机关": "市场监督管理局", "许可机关统一社会信用代码": DEPT_SAMR,
        "当前状态": "有效", "数据来源单位统一社会信用代码": DEPT_SAMR,
    }
    write_delivery(_frame("xzxk", [licence]), feed_dir / "xzxk" / f"{DEPT_SAMR}_20260108.csv", encoding="utf-8-sig")

    listing = _subject(A, "甲公司", rep_id=P1) | {
        "名单类型": "严重失信主体名单", "认定文书号": "澄信认〔2026〕1号", "认定部门": "江阴市发展和改革委员会",
        "认定部门统一社会信用代码": DEPT_CREDIT, "列入事由": "拒不履行法定义务", "列入日期": "2026-01-10", "有效期至": "2029-01-10",
    }
    write_delivery(_frame("xymd", [listing]), feed_dir / "xymd" / f"{DEPT_CREDIT}_20260112.csv")

    red_list = [
        _subject(sid, name) | {
            "名单类型": "红名单", "认定文书号": doc, "认定部门": "江阴市发展和改革委员会",
            "认定部门统一社会信用代码": DEPT_CREDIT, "列入事由": "诚信示范企业", "列入日期": "2026-02-01", "有效期至": "2027-02-01",
        }
        for sid, name, doc in [(RB, "卯公司", "澄信红〔2026〕1号"), (R, "癸公司", "澄信红〔2026〕2号")]
    ]
    write_delivery(_frame("xymd", red_list), feed_dir / "xymd" / f"{DEPT_CREDIT}_20260205.csv")
    serious = _penalty(RB, "卯公司", "澄市监罚〔2026〕11号", "2026-05-20", "罚款;吊销许可证件", "30")
    write_delivery(_frame("xzcf", [serious]), feed_dir / "xzcf" / f"{DEPT_SAMR}_20260525.csv")

    # One department re-delivers a penalty twice on one day: _10 is later than _9 (SPEC §2, numerically).
    k9 = [_penalty(K9, "九号公司", "澄市监罚〔2026〕90号", "2026-06-01", "罚款;吊销许可证件", "20"),
          _penalty(K9, "九号公司", "澄市监罚〔2026〕90号", "2026-06-01", "罚款", "5")]
    write_delivery(_frame("xzcf", k9[:1]), feed_dir / "xzcf" / f"{DEPT_SAMR}_20260603_9.csv")
    write_delivery(_frame("xzcf", k9[1:]), feed_dir / "xzcf" / f"{DEPT_SAMR}_20260603_10.csv")

    # A year of publication ends with the anniversary (民法典 201-202): on AS_OF the 2025-06-30 penalty is
    # still published, the 2025-06-29 one is not.
    anniversary = [_penalty(N1, "午公司", "澄市监罚〔2025〕30号", "2025-06-30"),
                   _penalty(N1, "午公司", "澄市监罚〔2025〕31号", "2025-06-29")]
    write_delivery(_frame("xzcf", anniversary), feed_dir / "xzcf" / f"{DEPT_SAMR}_20250702.csv")
    # A 轻微 penalty (警告) may be repaired at any time since NDRC Order No. 36 (2026-04-01): XF-003 below.
    warning = _penalty(M1, "未公司", "澄市监罚〔2026〕40号", "2026-05-04", "警告")
    write_delivery(_frame("xzcf", [warning]), feed_dir / "xzcf" / f"{DEPT_SAMR}_20260506.csv")

    # Delivered on time (decided Wednesday 2026-04-01, delivered 04-03), corrected by a re-delivery on 06-01,
    # long after 7 working days: timeliness is judged on the first delivery, so neither delivery is late.
    on_time = _penalty(L1, "申公司", "澄市监罚〔2026〕50号", "2026-04-01")
    write_delivery(_frame("xzcf", [on_time]), feed_dir / "xzcf" / f"{DEPT_SAMR}_20260403.csv")
    write_delivery(_frame("xzcf", [on_time | {"处罚内容": "罚款5万元并责令改正"}]), feed_dir / "xzcf" / f"{DEPT_SAMR}_20260601.csv")

    # Names and ID numbers inside free text (SPEC §6): published only masked, wherever they stand.
    fined = _penalty(P_FINED, "孙小红", "澄市监罚〔2026〕70号", "2026-05-11", kind="自然人") | {
        "处罚内容": "对孙小红处以罚款1万元",
        "违法事实": f"孙小红（身份证号码{P_FINED}）伙同{STRANGER_ID}无证经营"}
    write_delivery(_frame("xzcf", [fined]), feed_dir / "xzcf" / f"{DEPT_SAMR}_20260513.csv")

    # After the as-of date: a penalty of C decided 2026-07-02 and C's deregistration delivered 2026-07-02.
    # Neither exists yet on AS_OF: C stays 诚信守法, unpublished, in the inspection draw.
    later = _penalty(C, "丙公司", "澄市监罚〔2026〕99号", "2026-07-02", "罚款", "5")
    write_delivery(_frame("xzcf", [later]), feed_dir / "xzcf" / f"{DEPT_SAMR}_20260703.csv")
    deregistered = next(r for r in registry if r["统一社会信用代码"] == C) | {"登记状态": "注销"}
    write_delivery(_frame("djzc", [deregistered]), feed_dir / "djzc" / f"{DEPT_SAMR}_20260702.csv")

    # E, a company, on the court's list: its legal representative and actual controller bear 限制高消费 too
    # (最高人民法院 限制消费规定 第三条第二款). A 一般 penalty on 2026-04-20 changes E's score, not its class.
    e_registry = next(r for r in registry if r["统一社会信用代码"] == A) | {
        "统一社会信用代码": E, "主体名称": "戌公司", "法定代表人": "王大力", "法定代表人证件号码": P_E_REP,
        "实际控制人": "孙强", "实际控制人证件号码": P_E_CONTROLLER}
    write_delivery(_frame("djzc", [e_registry]), feed_dir / "djzc" / f"{DEPT_SAMR}_20250102.csv")
    e_block = _subject(E, "戌公司", rep="王大力", rep_id=P_E_REP)
    e_debtor = e_block | {
        "案号": "（2026）苏0281执300号", "执行依据文号": "（2025）苏0281民初300号", "执行法院": "江阴市人民法院",
        "立案日期": "2026-02-01", "发布日期": "2026-02-15", "失信行为具体情形": "有履行能力而拒不履行", "履行情况": "全部未履行",
    }
    write_delivery(_frame("sxbzxr", [e_debtor]), feed_dir / "sxbzxr" / f"{DEPT_COURT}_20260217.csv")
    e_penalty = _penalty(E, "戌公司", "澄市监罚〔2026〕60号", "2026-04-20") | e_block | {
        "处罚内容": "对戌公司处以罚款5万元，对法定代表人王大力予以警告"}
    write_delivery(_frame("xzcf", [e_penalty]), feed_dir / "xzcf" / f"{DEPT_SAMR}_20260422.csv")

    debtor = _subject(P_DEBTOR, "赵大海", "自然人") | {
        "案号": "（2026）苏0281执123号", "执行依据文号": "（2025）苏0281民初45号", "执行法院": "江阴市人民法院",
        "立案日期": "2026-01-05", "发布日期": "2026-02-10", "失信行为具体情形": "有履行能力而拒不履行", "履行情况": "全部未履行",
    }
    write_delivery(_frame("sxbzxr", [debtor]), feed_dir / "sxbzxr" / f"{DEPT_COURT}_20260212.csv")
    # A minor delivered as 失信被执行人 (courts may not list minors): 未成年人 whatever the court's file says.
    minor_debtor = _subject(P_MINOR_DEBTOR, "周小宝", "自然人") | {
        "案号": "（2026）苏0281执200号", "执行依据文号": "（2025）苏0281民初99号", "执行法院": "江阴市人民法院",
        "立案日期": "2026-02-20", "发布日期": "2026-03-01", "失信行为具体情形": "有履行能力而拒不履行", "履行情况": "全部未履行",
    }
    write_delivery(_frame("sxbzxr", [minor_debtor]), feed_dir / "sxbzxr" / f"{DEPT_COURT}_20260303.csv")

    def objection(oid, sid, doc, applied, outcome="", corrections="", decided=""):
        return {"异议编号": oid, "统一社会信用代码": sid, "涉及信息类别": "xzcf", "涉及文书号": doc, "异议事由": "事实有误",
                "申请日期": applied, "处理结果": outcome, "更正内容": corrections, "处理日期": decided,
                "处理单位统一社会信用代码": DEPT_SAMR if outcome else ""}

    write_delivery(_frame("yysq", [
        objection("YY-001", F, "澄市监罚〔2026〕6号", "2026-05-08"),
        objection("YY-002", G, "澄市监罚〔2026〕7号", "2026-05-10"),
        objection("YY-003", J, "澄市监罚〔2026〕9号", "2026-05-10"),
    ]), feed_dir / "yysq" / f"{DEPT_CREDIT}_20260511.csv")
    # The outcomes arrive later under the same 异议编号: the latest delivery is the current state.
    write_delivery(_frame("yysq", [
        objection("YY-002", G, "澄市监罚〔2026〕7号", "2026-05-10", "撤销", "", "2026-05-15"),
        objection("YY-003", J, "澄市监罚〔2026〕9号", "2026-05-10", "更正", "失信程度=一般", "2026-05-15"),
    ]), feed_dir / "yysq" / f"{DEPT_CREDIT}_20260520.csv")

    def repair(rid, sid, doc, applied, decision, decided):
        return {"修复编号": rid, "统一社会信用代码": sid, "涉及信息类别": "xzcf", "涉及文书号": doc, "修复方式": "整改失信",
                "申请日期": applied, "决定": decision, "决定日期": decided, "不同意理由": ""}

    write_delivery(_frame("xyxf", [
        repair("XF-001", D, "澄市监罚〔2025〕4号", "2026-03-05", "同意", "2026-03-10"),
        repair("XF-002", H, "澄市监罚〔2026〕8号", "2026-05-01", "同意", "2026-05-08"),
    ]), feed_dir / "xyxf" / f"{DEPT_CREDIT}_20260510.csv")
    write_delivery(_frame("xyxf", [repair("XF-003", M1, "澄市监罚〔2026〕40号", "2026-05-10", "同意", "2026-05-12")]),
                   feed_dir / "xyxf" / f"{DEPT_CREDIT}_20260512.csv")
