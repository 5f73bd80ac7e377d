-- The guard of the public site (SPEC §6; seed 003 脱敏): no natural person's name or ID number appears unmasked in
-- public_disclosure, in any column or published item, including inside free text. Each published record is
-- checked against the persons tied to it (record_persons, as int_public_items found them) and every value that
-- may hold free text against the 身份证 shape: linear in the records, no cross join of all names with all texts.
-- A failure names the record: feed, document number, delivery file and line, the column or item, and what leaked
-- (never the value itself); the rows are stored (store_failures) for whoever must correct the delivery.
{{ config(store_failures=true) }}
-- depends_on: {{ ref('catalogue_items') }}
{%- set items = public_catalogue_items() %}
{%- set checks = [
    {'label': 'subject_id', 'value': 'subject_id', 'names_when': 'true', 'shape_when': "subject_type = '自然人'"},
    {'label': 'subject_name', 'value': 'subject_name', 'names_when': "subject_type = '自然人'", 'shape_when': 'true'},
    {'label': 'document_no', 'value': 'document_no', 'names_when': 'true', 'shape_when': false}] %}
{%- set items = items | selectattr('feed', 'in', record_feeds()) | list %}
{%- for name in items | map(attribute='item') | unique | list %}
    {%- set described = items | selectattr('item', 'equalto', name) | list %}
    {%- set feeds = described | map(attribute='feed') | list %}
    {%- do checks.append({
        'label': 'items.' ~ name,
        'value': "case when feed in ('" ~ feeds | join("', '") ~ "') then " ~ json_value('items', name) ~ " end",
        'names_when': "subject_type = '自然人'" if described | selectattr('masking', 'equalto', 'name_if_natural_person') | list else 'true',
        'shape_when': 'true' if described | rejectattr('format', 'in', ['uscc', 'date', 'amount', 'enum', 'enum_multi', 'case_no']) | list else false}) %}
{%- endfor %}
with published as (
    select d.feed, d.document_no, d.subject_type, d.subject_id, d.subject_name, d.items, p.source_file, p.source_line,
           {%- for k in range(1, 5) %} p.person_name_{{ k }}, p.person_id_{{ k }}{{ "," if not loop.last }}{% endfor %}
    from {{ ref('public_disclosure') }} d
    join {{ ref('int_public_items') }} p
        on p.feed = d.feed and p.document_no = d.document_no and p.public_subject_id = d.subject_id
),
published_values as (
    select *
        {%- for check in checks %},
        {{ check.value }} as value_{{ loop.index }}
        {%- endfor %}
    from published
),
leaks as (
    select feed, document_no, source_file, source_line
        {%- for check in checks %},
        {{ person_leak('value_' ~ loop.index, check.names_when, check.shape_when) }} as leak_{{ loop.index }}
        {%- endfor %}
    from published_values
)
select
    feed, document_no, source_file, source_line,
    coalesce({% for check in checks %}case when leak_{{ loop.index }} is not null then '{{ check.label }}' end{{ ", " if not loop.last }}{% endfor %}) as column_name,
    coalesce({% for check in checks %}leak_{{ loop.index }}{{ ", " if not loop.last }}{% endfor %}) as leak
from leaks
where coalesce({% for check in checks %}leak_{{ loop.index }}{{ ", " if not loop.last }}{% endfor %}) is not null
