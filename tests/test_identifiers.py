from datetime import date, timedelta

import pandas as pd
import pytest
from stdnum.cn import ric, uscc

from tests.rules_sql import id_card_birth_date, id_card_valid, uscc_valid


def with_uscc_check(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


def with_ric_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")  # it reads only the first 17


def wrong_last(code: str, alphabet: str = "0123456789X") -> str:
    return code[:-1] + next(c for c in alphabet if c != code[-1])


# Real published codes (Huawei Technologies, Tencent, Alibaba China): their check characters
# match GB 32100, so they pin the algorithm independently of stdnum.
REAL_USCCS = ["914403001922038216", "91440300708461136T", "91330100799655058B"]

# Realistic Jiangsu (无锡 3202xx) prefixes per registration authority and entity type.
BUILT_USCCS = [
    with_uscc_check("91320200MA1MXXXX0"),  # 9 市场监管, 1 company
    with_uscc_check("92320281MA1NPQ4K3"),  # 9 市场监管, 2 个体工商户
    with_uscc_check("12320200466287543"),  # 1 机构编制, 2 public institution
    with_uscc_check("A1320200MA7YUWR2X"),  # A 中央军委改革和编制办公室
    with_uscc_check("N2320281MF1234567"),  # N 农业农村, 2 农村集体经济组织
    with_uscc_check("Y1320205MC0123456"),  # Y other authorities
]


@pytest.mark.parametrize("code", REAL_USCCS + BUILT_USCCS)
def test_valid_usccs_accepted_including_a_n_y(code):
    assert uscc_valid(pd.Series([code])).tolist() == [True]


def test_stdnum_validate_would_reject_a_prefix():
    # The trap SPEC §1 names: this is why only calc_check_digit is used.
    assert not uscc.is_valid(BUILT_USCCS[3])


@pytest.mark.parametrize(
    "code",
    [
        wrong_last(REAL_USCCS[0]),
        wrong_last(BUILT_USCCS[3], "0123456789ABCDEFGHJKLMNPQRTUWXY"),
        "00000000000000000X",  # the 个体工商户 placeholder is for callers to handle
        with_uscc_check("00000000000000000"),  # 0 is no registration authority
        REAL_USCCS[0][:17],  # too short
        REAL_USCCS[0] + "0",  # too long
        REAL_USCCS[1].lower(),
        " 914403001922038216",  # no stripping: the caller's job
        with_uscc_check("B1320200MA1MXXXX0"),  # B is no registration authority
        with_uscc_check("9132AB00MA1MXXXX0"),  # region code must be digits
        "",
        None,
        float("nan"),
    ],
)
def test_invalid_usccs_rejected(code):
    assert uscc_valid(pd.Series([code], dtype=object)).tolist() == [False]


@pytest.mark.parametrize("letter", "IOZSV")
def test_excluded_letters_rejected_even_with_matching_check(letter):
    first17 = "91320200MA1M" + letter + "XXX0"
    # stdnum's alphabet lacks the letter, so it cannot compute a check: try every candidate.
    candidates = [first17 + c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"]
    assert not uscc_valid(pd.Series(candidates)).any()


def test_uscc_result_keeps_index_and_handles_repeats():
    codes = pd.Series([REAL_USCCS[0], None, "x", REAL_USCCS[0]], index=[10, 10, 7, 3])
    result = uscc_valid(codes)
    assert result.dtype == bool
    assert result.index.tolist() == [10, 10, 7, 3]
    assert result.tolist() == [True, False, False, True]


RETIRED_COUNTY_ID = with_ric_check("32021919850315123")  # 320219: old 无锡县, retired 1995
ORDINARY_ID = with_ric_check("32028119900101002")


def test_id_with_retired_county_code_accepted():
    assert id_card_valid(pd.Series([RETIRED_COUNTY_ID])).tolist() == [True]


def test_stdnum_validate_would_crash_on_retired_county():
    with pytest.raises(KeyError):
        ric.validate(RETIRED_COUNTY_ID)


@pytest.mark.parametrize(
    "id_no",
    [
        wrong_last(ORDINARY_ID),
        with_ric_check("32028119900230002"),  # 30 February
        with_ric_check("32028118991231002"),  # before 1900
        # Born in the future by any clock: two days ahead, so neither the platform's time zone (Asia/Shanghai is a
        # day ahead of UTC every evening) nor a run crossing midnight after collection makes it today.
        with_ric_check("320281" + (date.today() + timedelta(days=2)).strftime("%Y%m%d") + "002"),
        ORDINARY_ID[:17],
        ORDINARY_ID[:17] + "x",  # lower-case x is the caller's to upper-case
        "3202811990010100A",
        "",
        None,
    ],
)
def test_invalid_ids_rejected(id_no):
    assert id_card_valid(pd.Series([id_no], dtype=object)).tolist() == [False]


def test_id_with_x_check_accepted():
    # Find a sequence number whose check character is X, so the X branch is exercised.
    id_no = next(
        i for i in (with_ric_check(f"32028119900101{n:03d}") for n in range(1000)) if i[-1] == "X"
    )
    assert id_card_valid(pd.Series([id_no])).tolist() == [True]


def test_birth_date_extracted_and_nat_when_invalid():
    ids = pd.Series([RETIRED_COUNTY_ID, wrong_last(ORDINARY_ID), None, ORDINARY_ID])
    births = id_card_birth_date(ids)
    assert births.dtype == "datetime64[ns]"
    assert births.tolist()[0] == pd.Timestamp("1985-03-15")
    assert births.isna().tolist() == [False, True, True, False]
    assert births.tolist()[3] == pd.Timestamp("1990-01-01")


def test_a_single_code_is_judged_as_ingestion_judges_a_feed():
    """is_uscc and is_id_card (a query's or a file name's code) and the SQL of ingestion agree."""
    from credit_pipeline.identifiers import is_id_card, is_uscc

    codes = REAL_USCCS + BUILT_USCCS + [wrong_last(c, "0123456789ABCDEFGHJKLMNPQRTUWXY") for c in REAL_USCCS + BUILT_USCCS]
    assert [is_uscc(c) for c in codes] == uscc_valid(pd.Series(codes)).tolist()
    ids = [with_ric_check("32028119850315004"), with_ric_check("32021919700101005"), with_ric_check("32028120990101001"),
           "320281198502301234", wrong_last(with_ric_check("32028119850315004"))]
    assert [is_id_card(i) for i in ids] == id_card_valid(pd.Series(ids)).tolist() == [True, True, False, False, False]
