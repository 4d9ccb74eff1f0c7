-- Every value of every code list, IRCC's (the iCARE Options Sheet) and Accueil's own, with
-- its English and French labels; the CLB lists also carry the level kind and ordinal.
with

code_values as (

    select 'icare' as list_owner, code_list, code, sort_order, label_en, label_fr
    from {{ ref('icare_code_values') }}
    union all
    select 'accueil', code_list, code, sort_order, label_en, label_fr
    from {{ ref('accueil_code_values') }}

)

select
    v.code_list,
    v.code,
    cast(v.sort_order as integer) as sort_order,
    v.label_en,
    v.label_fr,
    v.list_owner,
    clb.level_kind as clb_level_kind,
    cast(clb.ordinal as integer) as clb_ordinal
from code_values as v
left join {{ ref('clb_levels') }} as clb
    on clb.code_list = v.code_list and clb.code = v.code
