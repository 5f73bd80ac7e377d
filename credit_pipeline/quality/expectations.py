"""GX 1.x custom expectations for the catalogue's row rules (SPEC §1-§3).

Each expectation is a thin adapter: its kwargs name the catalogue's terms (a condition, the type
column, an enumeration, a format), its metric turns them into a catalogue `Item` holding only what
that one rule needs, and `rules.item_violations` says which rows break it. GX and ingestion thus
run the very same vectorised code (rules.py, identifiers.py, dates.py) and cannot disagree.

Importing this module imports great_expectations (seconds) and registers the expectations and
metrics in GX's process-wide registry; only suites.py imports it, and only when validating.
"""

from __future__ import annotations

from functools import wraps
from typing import ClassVar, List

import pandas as pd
from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.core.metric_function_types import MetricPartialFunctionTypes
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import ColumnMapMetricProvider
from great_expectations.expectations.metrics.metric_provider import metric_partial

from credit_pipeline.catalogue import Item
from credit_pipeline.ingest.rules import item_violations


def rule_item(column: str, **fields) -> Item:
    """A catalogue item carrying only the fields one rule reads (everything else neutral)."""
    neutral = dict(
        feed="", item=column, requirement="O", condition="", format="text", format_arg="", enum_values=(),
        negative_when="", public=False, shared_with="", masking="", description="", valid_from="",
    )
    return Item(**(neutral | fields))


def _whole_frame_condition(metric_fn):
    """GX's `column_condition_partial` for pandas hands the metric one column; a catalogue rule may
    read others too (the condition's column, the subject type, the ID type), so this one hands it
    the whole batch frame and the column name. The function returns True where the row is fine."""

    @metric_partial(
        engine=PandasExecutionEngine,
        partial_fn_type=MetricPartialFunctionTypes.MAP_CONDITION_SERIES,
        domain_type=MetricDomainTypes.COLUMN,
    )
    @wraps(metric_fn)
    def inner(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration):
        frame, compute_kwargs, accessor_kwargs = execution_engine.get_compute_domain(
            domain_kwargs=metric_domain_kwargs, domain_type=MetricDomainTypes.COLUMN
        )
        expected = metric_fn(cls, frame, accessor_kwargs["column"], **metric_value_kwargs)
        return ~expected, compute_kwargs, accessor_kwargs

    return inner


class CatalogueRuleMetric(ColumnMapMetricProvider):
    """Rows that keep one catalogue rule. Subclasses say which rule and how kwargs make the item."""

    # The empty cell is '' (as delivered), not null: every row is evaluated, as in ingestion.
    filter_column_isnull = False
    rule: ClassVar[str]

    @classmethod
    def item(cls, column: str, **kwargs) -> Item:
        raise NotImplementedError

    @_whole_frame_condition
    def _pandas(cls, frame: pd.DataFrame, column: str, **kwargs) -> pd.Series:
        return ~item_violations(frame, cls.item(column, **kwargs))[cls.rule]


class LegalDocumentPresent(CatalogueRuleMetric):
    condition_metric_name = "column_values.credit_legal_document_present"
    condition_value_keys = ("negative_when",)
    rule = "no_legal_document"

    @classmethod
    def item(cls, column, negative_when="always", **_):
        return rule_item(column, negative_when=negative_when)


class RequiredPresent(CatalogueRuleMetric):
    condition_metric_name = "column_values.credit_required_present"
    condition_value_keys = ("negative_when",)
    rule = "required_missing"

    @classmethod
    def item(cls, column, negative_when="", **_):
        return rule_item(column, requirement="R", negative_when=negative_when or "")


class PresentWhen(CatalogueRuleMetric):
    condition_metric_name = "column_values.credit_present_when"
    condition_value_keys = ("condition",)
    rule = "conditional_missing"

    @classmethod
    def item(cls, column, condition="", **_):
        return rule_item(column, requirement="C", condition=condition)


class InEnumeration(CatalogueRuleMetric):
    condition_metric_name = "column_values.credit_in_enumeration"
    condition_value_keys = ("value_set", "multi_value")
    rule = "invalid_enum"

    @classmethod
    def item(cls, column, value_set=(), multi_value=False, **_):
        return rule_item(column, format="enum_multi" if multi_value else "enum", enum_values=tuple(value_set))


class RealDate(CatalogueRuleMetric):
    condition_metric_name = "column_values.credit_real_date"
    rule = "invalid_date"

    @classmethod
    def item(cls, column, **_):
        return rule_item(column, format="date")


class ValidUscc(CatalogueRuleMetric):
    condition_metric_name = "column_values.credit_valid_uscc"
    condition_value_keys = ("type_column",)
    rule = "invalid_uscc"

    @classmethod
    def item(cls, column, type_column="", **_):
        return rule_item(column, format="uscc", format_arg=type_column or "")


class ValidIdNumber(CatalogueRuleMetric):
    condition_metric_name = "column_values.credit_valid_id_number"
    condition_value_keys = ("type_column",)
    rule = "invalid_id_number"

    @classmethod
    def item(cls, column, type_column="", **_):
        return rule_item(column, format="id_number", format_arg=type_column or "")


class CatalogueFormat(CatalogueRuleMetric):
    condition_metric_name = "column_values.credit_catalogue_format"
    condition_value_keys = ("format",)
    rule = "invalid_format"

    @classmethod
    def item(cls, column, format="", **_):
        return rule_item(column, format=format)


class _CatalogueRuleExpectation(ColumnMapExpectation):
    """An expectation backed by one CatalogueRuleMetric; abstract until `map_metric` is set."""

    metric: ClassVar[type[CatalogueRuleMetric]]

    @classmethod
    def rule(cls) -> str:
        return cls.metric.rule


class ExpectLegalDocumentOnNegativeRecords(_CatalogueRuleExpectation):
    """A negative record (where `negative_when` holds; `always` for penalties) carries its legal
    document number: no dishonesty without a legal document (SPEC §2, seed 003)."""

    negative_when: str = "always"
    metric = LegalDocumentPresent
    map_metric = LegalDocumentPresent.condition_metric_name
    success_keys = ("mostly", "negative_when")


class ExpectColumnValuesToBePresent(_CatalogueRuleExpectation):
    """A required (R) item is not empty. A row where `negative_when` holds is left to
    ExpectLegalDocumentOnNegativeRecords, so one missing document is reported once."""

    negative_when: str = ""
    metric = RequiredPresent
    map_metric = RequiredPresent.condition_metric_name
    success_keys = ("mostly", "negative_when")


class ExpectColumnValuesToBePresentWhen(_CatalogueRuleExpectation):
    """A conditional (C) item is not empty where the catalogue condition holds, e.g.
    `处罚类别~罚款`, `统一社会信用代码=00000000000000000X`, `行政相对人类别 in 法人及非法人组织|个体工商户`."""

    condition: str
    metric = PresentWhen
    map_metric = PresentWhen.condition_metric_name
    success_keys = ("mostly", "condition")


class ExpectColumnValuesToBeInEnumeration(_CatalogueRuleExpectation):
    """A non-empty value is one of the catalogue's values; with `multi_value`, every part of a
    `;`-separated list is (处罚类别 `罚款;吊销许可证件`)."""

    value_set: List[str]
    multi_value: bool = False
    metric = InEnumeration
    map_metric = InEnumeration.condition_metric_name
    success_keys = ("mostly", "value_set", "multi_value")


class ExpectColumnValuesToBeRealDates(_CatalogueRuleExpectation):
    """A non-empty value is a real date as delivered: YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD, within
    1900-01-01..2099-12-31 (2099-12-31 = long-term)."""

    metric = RealDate
    map_metric = RealDate.condition_metric_name


class ExpectColumnValuesToBeValidUscc(_CatalogueRuleExpectation):
    """A non-empty value is a GB 32100-2015 USCC with the right check character (A/N/Y-prefixed
    codes included). With `type_column`, the placeholder 00000000000000000X is allowed where that
    column says 个体工商户."""

    type_column: str = ""
    metric = ValidUscc
    map_metric = ValidUscc.condition_metric_name
    success_keys = ("mostly", "type_column")


class ExpectColumnValuesToBeValidIdNumber(_CatalogueRuleExpectation):
    """A non-empty value is a GB 11643 身份证 number (real birth date, MOD 11-2 check; county codes
    are not looked up) wherever `type_column` says 身份证 or is empty; passports and other
    documents are kept as given."""

    type_column: str = ""
    metric = ValidIdNumber
    map_metric = ValidIdNumber.condition_metric_name
    success_keys = ("mostly", "type_column")


class ExpectColumnValuesToMatchCatalogueFormat(_CatalogueRuleExpectation):
    """A non-empty value has the catalogue's format: region_code, industry_code, amount, case_no
    or corrections (patterns in rules.PATTERNS)."""

    format: str
    metric = CatalogueFormat
    map_metric = CatalogueFormat.condition_metric_name
    success_keys = ("mostly", "format")


EXPECTATIONS: tuple[type[_CatalogueRuleExpectation], ...] = (
    ExpectLegalDocumentOnNegativeRecords,
    ExpectColumnValuesToBePresent,
    ExpectColumnValuesToBePresentWhen,
    ExpectColumnValuesToBeInEnumeration,
    ExpectColumnValuesToBeRealDates,
    ExpectColumnValuesToBeValidUscc,
    ExpectColumnValuesToBeValidIdNumber,
    ExpectColumnValuesToMatchCatalogueFormat,
)
