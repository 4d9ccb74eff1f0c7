with

source as (

    select * from {{ source('raw', 'needs_assessment') }} {{ where_new_uploads() }}

),

renamed as (

    select
        ---------- ids
        record_id,
        client_key,
        agency_cd as agency_code,
        quarter as reported_quarter,
        upload_id,
        row_number,
        {{ blank_as_null('referral_agency_cd') }} as referral_agency_code,

        ---------- strings
        {{ blank_as_null('postal_fsa') }} as service_fsa,
        service_language.code as service_language_code,
        official_language.code as official_language_code,
        institution_type.code as institution_type_code,
        referred_by.code as referred_by_code,
        intended_noc_skill_level.code as intended_noc_skill_level_code,
        referral_stream.code as referral_stream_code,

        ---------- numerics
        {{ to_integer('client_birth_year') }} as birth_year,

        ---------- booleans
        -- needs identified, each with its referral
        {{ yes_no_flag('knwl_life_needs_ind') }} as needs_life_in_canada,
        {{ yes_no_flag('knwl_life_referrals_ind') }} as referred_life_in_canada,
        {{ yes_no_flag('knwl_comm_gov_svcs_needs_ind') }} as needs_community_government_services,
        {{ yes_no_flag('knwl_comm_gov_svcs_referrals_ind') }} as referred_community_government_services,
        {{ yes_no_flag('knwl_working_needs_ind') }} as needs_working_in_canada,
        {{ yes_no_flag('knwl_working_referrals_ind') }} as referred_working_in_canada,
        {{ yes_no_flag('knwl_education_needs_ind') }} as needs_education_in_canada,
        {{ yes_no_flag('knwl_education_needs_referrals_ind') }} as referred_education_in_canada,
        {{ yes_no_flag('social_networks_needs_ind') }} as needs_social_networks,
        {{ yes_no_flag('social_networks_referrals_ind') }} as referred_social_networks,
        {{ yes_no_flag('professional_networks_needs_ind') }} as needs_professional_networks,
        {{ yes_no_flag('professional_networks_referrals_ind') }} as referred_professional_networks,
        {{ yes_no_flag('local_community_svcs_needs_ind') }} as needs_local_community_services,
        {{ yes_no_flag('local_community_svcs_referrals_ind') }} as referred_local_community_services,
        {{ yes_no_flag('community_involvement_needs_ind') }} as needs_community_involvement,
        {{ yes_no_flag('community_involvement_referrals_ind') }} as referred_community_involvement,
        {{ yes_no_flag('language_skills_needs_ind') }} as needs_language,
        {{ yes_no_flag('language_skills_referrals_ind') }} as referred_language,
        {{ yes_no_flag('find_employment_needs_ind') }} as needs_employment,
        {{ yes_no_flag('find_employment_referrals_ind') }} as referred_employment,
        {{ yes_no_flag('housing_accommodation_needs_ind') }} as needs_housing,
        {{ yes_no_flag('housing_accommodation_referrals_ind') }} as referred_housing,
        {{ yes_no_flag('hlth_mental_wellness_needs_ind') }} as needs_health,
        {{ yes_no_flag('hlth_mental_wellness_refs_ind') }} as referred_health,
        {{ yes_no_flag('food_cloth_material_needs_ind') }} as needs_food_clothing,
        {{ yes_no_flag('food_cloth_material_refs_ind') }} as referred_food_clothing,
        {{ yes_no_flag('financial_needs_ind') }} as needs_financial,
        {{ yes_no_flag('financial_referrals_ind') }} as referred_financial,
        {{ yes_no_flag('family_support_needs_ind') }} as needs_family_support,
        {{ yes_no_flag('family_support_referrals_ind') }} as referred_family_support,
        {{ yes_no_flag('legal_info_services_needs_ind') }} as needs_legal,
        {{ yes_no_flag('legal_info_services_referrals_ind') }} as referred_legal,

        -- settlement plan
        {{ yes_no_flag('settlement_plan_ind') }} as has_settlement_plan,

        -- support services
        {{ support_service_flags() }},

        ---------- dates
        {{ to_date('assessment_start_dt') }} as service_date,
        {{ to_date('assessment_completed_dt') }} as assessment_completed_date,
        {{ to_date('referral_dt') }} as referral_date

    from source
    {{ join_code_value('service_language', 'assessment_language_id', 'language') }}
    {{ join_code_value('official_language', 'preferred_official_language_id', 'official_language') }}
    {{ join_code_value('institution_type', 'institution_type_id', 'institution_type') }}
    {{ join_code_value('referred_by', 'assessment_referral_id', 'referred_by') }}
    {{ join_code_value('intended_noc_skill_level', 'intended_work_noc_group_id', 'noc_skill_level') }}
    {{ join_code_value('referral_stream', 'referral_stream_id', 'service_stream') }}

)

select * from renamed
