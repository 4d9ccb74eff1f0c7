{#- The needs of the iCARE needs assessment, as stg_needs_assessment names its columns: a need
    identified (`needs_<need>`) and a referral for it (`referred_<need>`).  seeds/need_streams.csv
    says which stream serves each. -#}
{% macro assessed_needs() -%}
    {{ return([
        'life_in_canada', 'community_government_services', 'working_in_canada', 'education_in_canada',
        'social_networks', 'professional_networks', 'local_community_services', 'community_involvement',
        'language', 'employment', 'housing', 'health', 'food_clothing', 'financial', 'family_support', 'legal',
    ]) }}
{%- endmacro %}
