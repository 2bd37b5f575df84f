-- The catalog as the warehouse uses it: the reviewed seed (seeds/indicator_catalog.csv), and the new entries that
-- analysts defined in raw/mappings (an indicator_id the seed lacks, with its unit and direction). A new entry's
-- measure type is read from its unit (% a rate, a count word a count, µg/m3 a concentration; no unit:
-- qualitative); its accumulation from the row, else from the name (累计 stock, 新增 new), else a level.
with seed as (
    select
        indicator_id,
        name_zh,
        name_en,
        domain,
        measure_type,
        canonical_unit,
        direction,
        accumulation,
        valid_min,
        valid_max,
        note,
        'seed' as catalog_source
    from {{ ref('indicator_catalog') }}
),

defined as (
    select *
    from {{ ref('stg_mappings') }}
    where new_direction is not null and indicator_id not in (select indicator_id from seed)
    qualify row_number() over (partition by indicator_id order by _source_file, _source_row) = 1
),

new_entries as (
    select
        indicator_id,
        name_as_published as name_zh,
        coalesce(new_name_en, name_as_published) as name_en,
        '综合' as domain,
        case
            when new_unit is null then 'qualitative'
            when new_unit in ('%', '‰') then 'rate'
            when pw_resolve_unit(new_unit, null, null).is_count then 'count'
            when new_unit in ('µg/m3', 'ug/m3', '微克/立方米', '微克每立方米', 'mg/m3') then 'concentration'
            when new_unit like '%/%' then 'intensity'
            else 'amount'
        end as measure_type,
        coalesce(new_unit, '') as canonical_unit,
        new_direction as direction,
        coalesce(
            new_accumulation,
            case when name_as_published like '%累计%' then 'stock' when name_as_published like '%新增%' then 'new' end,
            'level'
        ) as accumulation,
        case when new_unit = '%' then 0.0 end as valid_min,
        case when new_unit = '%' then 100.0 end as valid_max,
        'defined in ' || _source_file || ' row ' || _source_row || ' by ' || reviewed_by as note,
        'raw/mappings' as catalog_source
    from defined
)

select * from seed
union all by name
select * from new_entries
