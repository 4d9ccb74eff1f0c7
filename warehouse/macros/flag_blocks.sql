{#-
    The blocks of Yes/No flags that recur across iCARE modules (the contract's `support` and
    `target_groups` blocks), as booleans with the staging names.  Each macro ends without a
    comma; the model adds it.
-#}
{% macro support_service_flags() -%}
    {{ yes_no_flag('support_received_ind') }} as received_support_services,
    {{ yes_no_flag('childminding_ind') }} as received_childminding,
    {{ yes_no_flag('transportation_ind') }} as received_transportation,
    {{ yes_no_flag('support_disability_ind') }} as received_disability_support,
    {{ yes_no_flag('translation_ind') }} as received_translation,
    {{ yes_no_flag('interpretation_ind') }} as received_interpretation,
    {{ yes_no_flag('counselling_ind') }} as received_crisis_counselling
{%- endmacro %}

{% macro target_group_flags() -%}
    {{ yes_no_flag('target_group_specific_ind') }} as is_for_target_group,
    {{ yes_no_flag('target_group_children_ind') }} as target_group_children,
    {{ yes_no_flag('target_group_youth_ind') }} as target_group_youth,
    {{ yes_no_flag('target_group_senior_ind') }} as target_group_seniors,
    {{ yes_no_flag('target_group_gender_ind') }} as target_group_gender,
    {{ yes_no_flag('target_group_refugee_ind') }} as target_group_refugees,
    {{ yes_no_flag('target_group_ethnic_ind') }} as target_group_ethnocultural,
    {{ yes_no_flag('target_group_hearing_ind') }} as target_group_deaf,
    {{ yes_no_flag('target_group_visual_ind') }} as target_group_blind,
    {{ yes_no_flag('target_group_LGBTQ_ind') }} as target_group_lgbtq,
    {{ yes_no_flag('target_group_families_parents_ind') }} as target_group_families,
    {{ yes_no_flag('target_group_other_impairments_ind') }} as target_group_other_impairments,
    {{ yes_no_flag('target_group_CWIT_in_regulated_profession_ind') }} as target_group_regulated_profession,
    {{ yes_no_flag('target_group_CWIT_in_regulated_trade_ind') }} as target_group_regulated_trade,
    {{ yes_no_flag('target_group_official_language_minorities_ind') }} as target_group_official_language_minorities
{%- endmacro %}
