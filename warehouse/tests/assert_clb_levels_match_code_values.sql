-- clb_levels normalises the two iCARE CLB code lists: it must hold exactly their values,
-- with the same codes, as icare_code_values. Returns the values on one side only or with
-- different codes.

with

icare as (

    select code_list, label_en, code
    from {{ ref('icare_code_values') }}
    where code_list in ('clb_listening_speaking', 'clb_reading_writing')

),

clb as (

    select code_list, label_en, code
    from {{ ref('clb_levels') }}

)

select
    coalesce(icare.code_list, clb.code_list) as code_list,
    coalesce(icare.label_en, clb.label_en) as label_en,
    icare.code as icare_code,
    clb.code as clb_levels_code
from icare
full outer join clb
    on icare.code_list = clb.code_list
    and icare.label_en = clb.label_en
where icare.code is null
    or clb.code is null
    or icare.code <> clb.code
