with

source as (

    select * from {{ source('raw', 'client_profile') }} {{ where_new_uploads() }}

),

renamed as (

    select
        ---------- ids
        client_key,
        agency_cd as agency_code,
        quarter as reported_quarter,
        upload_id,
        row_number,

        ---------- strings
        {{ blank_as_null('postal_fsa') }} as residence_fsa,
        province.code as province_code,
        official_language.code as official_language_code,
        gender.code as gender_code,
        immigration_category.code as immigration_category_code,
        lgbtq2.code as lgbtq2_code,
        disability.code as disability_code,

        ---------- numerics
        {{ to_integer('client_birth_year') }} as birth_year,

        ---------- booleans
        {{ yes_no_flag('consent_ind') }} as has_research_consent,
        {{ yes_no_flag('lgbtq2_ind') }} as is_lgbtq2,
        {{ yes_no_flag('disability_ind') }} as has_disability,

        ---------- dates
        {{ to_date('arrival_dt') }} as arrival_date

    from source
    {{ join_code_value('province', 'province_id', 'province') }}
    {{ join_code_value('official_language', 'official_language_id', 'official_language') }}
    {{ join_code_value('gender', 'gender_id', 'gender') }}
    {{ join_code_value('immigration_category', 'immigration_category_id', 'immigration_category') }}
    {{ join_code_value('lgbtq2', 'lgbtq2_ind', 'yes_no_declined') }}
    {{ join_code_value('disability', 'disability_ind', 'yes_no_declined') }}

)

select * from renamed
