-- The items of every published record as the public may see them (SPEC §3, §6; seed 003 脱敏): only the items
-- the catalogue marks public, each masked as its masking flag says, and the names and ID numbers of the
-- natural persons tied to the record (record_persons) masked inside free text too, with any 身份证-shaped
-- string. Values are the record's current delivery (found by its lineage) with corrections (更正) applied.
-- Which items and how they are masked is read from the catalogue (public_catalogue_items), not written here.
-- depends_on: {{ ref('catalogue_items') }}
{% for feed in record_feeds() -%}
-- depends_on: {{ source('raw', feed) }}
{% endfor -%}
{%- set items = public_catalogue_items() %}
with published as {{ inlined_cte() }} (
    select
        s.record_id, s.subject_id, s.subject_type, s.feed, s.document_no, s.delivery_id, s.source_file, s.source_line,
        {{ public_subject_id('s.subject_id', 's.subject_type') }} as public_subject_id,
        {{ record_persons('s', 'g') }}
    from {{ ref('int_record_states') }} s
    left join {{ ref('int_subjects') }} g on g.subject_id = s.subject_id
    where s.is_publishable and s.status in ('有效', '异议处理中')
)
{%- for feed in record_feeds() %}
{%- set feed_items = items | selectattr('feed', 'equalto', feed) | list %}
select
    v.record_id, v.subject_id, v.public_subject_id, v.subject_type, v.feed, v.document_no, v.source_file, v.source_line,
    {%- for k in range(1, 5) %} v.person_name_{{ k }}, v.person_id_{{ k }},{% endfor %}
    {% set pairs = [] -%}
    {%- for item in feed_items %}{% do pairs.append((item.item, published_item(item, 'v.' ~ ident(item.item)))) %}{% endfor -%}
    {{ json_object_of(pairs) }} as items
from (
    select
        p.*
        {%- for item in feed_items %},
        coalesce(c.corrected_items['{{ item.item }}'], {{ item_text('x.' ~ ident(item.item), item.format) }}) as {{ ident(item.item) }}
        {%- endfor %}
    from published p
    join {{ source('raw', feed) }} x on x._delivery_id = p.delivery_id and x._line = p.source_line
    left join {{ ref('int_corrections') }} c on c.feed = p.feed and c.document_no = p.document_no and c.subject_id = p.subject_id
    where p.feed = '{{ feed }}'
) v
{{ "union all" if not loop.last }}
{%- endfor %}
