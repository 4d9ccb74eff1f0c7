-- The code_of macro looks a value up by (code list, English label) in both code-value
-- seeds at once: a label must occur once per list across the two seeds, or the lookup
-- would be ambiguous. Returns the duplicated labels.

with

code_values as (

    select code_list, label_en, code from {{ ref('icare_code_values') }}
    union all
    select code_list, label_en, code from {{ ref('accueil_code_values') }}

)

select
    code_list,
    label_en,
    count(*) as n_rows
from code_values
group by code_list, label_en
having count(*) > 1
