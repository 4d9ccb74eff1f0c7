"""The English labels iCARE gives (row 3) to the columns the anonymiser reads.

Agencies' exports normally carry the machine names on row 2; some carry only the
labels.  The tables below are derived from IRCC's reference workbook by ``derive``
(a test checks they still match it); to refresh them after IRCC publishes a new
workbook, run ``python -m accueil.anonymise.icare_labels WORKBOOK`` and paste the
output over the two tables.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from pprint import pformat

from accueil.contract import extract_contract, fold

# Sheets of IRCC's template that hold no client data: ignored without a warning.
HELPER_SHEETS = ("Data Fields", "Options Sheet")

# sheet -> machine name -> iCARE label, for the extract's columns and the direct identifiers.
ICARE_LABELS: dict[str, dict[str, str]] = {
    "Client Profile": {
        "processing_details": "Processing Details",
        "client_validation_type_id": "Unique Identifier",
        "client_validation_id": "Unique Identifier Value",
        "client_birth_dt": "Date of Birth (YYYY-MM-DD)",
        "phone_no": "Phone Number",
        "email_txt_ind": "Does the Client Have an Email Address",
        "email_txt": "Email Address",
        "street_no": "Street Number",
        "street_nme": "Street Name",
        "street_type_id": "Street Type",
        "street_direction_id": "Street Direction",
        "unit_txt": "Unit/Suite/Apt",
        "city_txt": "City",
        "province_id": "Province",
        "postal_txt": "Postal Code",
        "official_language_id": "Official Language of Preference",
        "consent_ind": "Consent for Future Research/Consultation",
    },
    "Needs Assessment&Referrals": {
        "processing_details": "Processing Details",
        "client_validation_type_id": "Unique Identifier",
        "client_validation_id": "Unique Identifier Value",
        "client_birth_dt": "Date of Birth (YYYY-MM-DD)",
        "postal_cd": "Postal Code where the service was received",
        "assessment_start_dt": "Start Date of Assessment (YYYY-MM-DD)",
        "assessment_language_id": "Language of Service",
        "preferred_official_language_id": "Official Language of Preference",
        "institution_type_id": "Type of Institution/Organization Where Client Received Services",
        "assessment_referral_id": "Referred By",
        "knwl_life_needs_ind": "Increase knowledge of: Life in Canada",
        "knwl_life_referrals_ind": "Increase knowledge of: Life in Canada Referrals",
        "knwl_comm_gov_svcs_needs_ind": "Increase knowledge of: Community and Government Services",
        "knwl_comm_gov_svcs_referrals_ind": "Increase knowledge of: Community and Government Services Referrals",
        "knwl_working_needs_ind": "Increase knowledge of: Working in Canada",
        "knwl_working_referrals_ind": "Increase knowledge of: Working in Canada Referrals",
        "knwl_education_needs_ind": "Increase knowledge of: Education in Canada",
        "knwl_education_needs_referrals_ind": "Increase knowledge of: Education in Canada Referrals",
        "social_networks_needs_ind": "Increase the following: Social networks",
        "social_networks_referrals_ind": "Increase the following: Social networks Referrals",
        "professional_networks_needs_ind": "Increase the following: Professional networks",
        "professional_networks_referrals_ind": "Increase the following: Professional networks Referrals",
        "local_community_svcs_needs_ind": "Increase the following: Access to local community services",
        "local_community_svcs_referrals_ind": "Increase the following: Access to local community services Referrals",
        "community_involvement_needs_ind": "Increase the following: Level of community involvement",
        "community_involvement_referrals_ind": "Increase the following: Level of community involvement Referrals",
        "language_skills_needs_ind": "Improve Language Skills",
        "language_skills_referrals_ind": "Improve Language Skills Referrals",
        "find_employment_needs_ind": "Find employment",
        "find_employment_referrals_ind": "Find employment Referrals",
        "intended_work_noc_group_id": "Find employment: Intends to work in an "
        "occupation corresponding to which National "
        "Occupation Classification skill level?",
        "food_cloth_material_needs_ind": "Food/Clothing/Other Material Needs",
        "food_cloth_material_refs_ind": "Food/Clothing/Other Material Needs Referrals",
        "housing_accommodation_needs_ind": "Housing/Accommodation",
        "housing_accommodation_referrals_ind": "Housing/Accommodation Referrals",
        "hlth_mental_wellness_needs_ind": "Health/Mental Health/Well Being",
        "hlth_mental_wellness_refs_ind": "Health/Mental Health/Well Being Referrals",
        "financial_needs_ind": "Financial",
        "financial_referrals_ind": "Financial Referrals",
        "family_support_needs_ind": "Family Support",
        "family_support_referrals_ind": "Family Support Referrals",
        "legal_info_services_needs_ind": "Legal Information and Services",
        "legal_info_services_referrals_ind": "Legal Information and Services Referrals",
        "support_received_ind": "Support Services Received",
        "childminding_ind": "Care for Newcomer Children",
        "transportation_ind": "Transportation",
        "support_disability_ind": "Provisions for Disabilities",
        "translation_ind": "Translation",
        "interpretation_ind": "Interpretation",
        "counselling_ind": "Crisis Counselling",
        "settlement_plan_ind": "Settlement Plan completed and shared with client",
        "assessment_completed_dt": "End Date of Assessment (YYYY-MM-DD)",
    },
    "Info&Orien": {
        "processing_details": "Processing Details",
        "client_validation_type_id": "Unique Identifier",
        "client_validation_id": "Unique Identifier Value",
        "client_birth_dt": "Date of Birth (YYYY-MM-DD)",
        "postal_cd": "Postal Code where the service was received",
        "start_dttm": "Start Date of Service (YYYY-MM-DD)",
        "service_language_id": "Language of Service",
        "service_official_language_id": "Official Language of Preference",
        "institution_type_id": "Type of Institution/Organization Where Client Received Services",
        "service_referred_by_id": "Referred By",
        "orientation_service_id": "Services Received",
        "orientation_length_hours_no": "Total Length of Orientation: Hours",
        "orientation_length_minutes_no": "Total Length of Orientation: Minutes",
        "group_clients_no_id": "Number of Clients in Group",
        "target_group_specific_ind": "Directed at a specific Target Group",
        "target_group_children_ind": "Target Group: Children (0-14 yrs)",
        "target_group_youth_ind": "Target Group: Youth (15-24 yrs)",
        "target_group_senior_ind": "Target Group: Seniors",
        "target_group_gender_ind": "Target Group: Gender-specific",
        "target_group_refugee_ind": "Target Group: Refugees",
        "target_group_ethnic_ind": "Target Group: Ethnic/cultural/linguistic group",
        "target_group_hearing_ind": "Target Group: Deaf or Hard of Hearing",
        "target_group_visual_ind": "Target Group: Blind or Partially Sighted",
        "target_group_LGBTQ_ind": "Target Group: Lesbian, Gay, Bisexual, Transgender, Queer (LGBTQ)",
        "target_group_families_parents_ind": "Target Group: Families/Parents",
        "target_group_other_impairments_ind": "Target Group: Clients with other impairments (physical, mental)",
        "target_group_CWIT_in_regulated_profession_ind": "Target Group: Clients with international "
        "training in a regulated profession",
        "target_group_CWIT_in_regulated_trade_ind": "Target Group: Clients with international "
        "training in a regulated trade",
        "target_group_official_language_minorities_ind": "Target Group: Official Language minorities",
        "topic_overview_given_ind": "Overview of Canada",
        "topic_information_given_ind": "Sources of Information",
        "topic_rights_given_ind": "Rights and Freedoms",
        "topic_law_given_ind": "Canadian Law and Justice",
        "topic_documents_given_ind": "Important Documents",
        "topic_language_given_ind": "Improving English or French",
        "topic_income_given_ind": "Employment and Income",
        "topic_education_given_ind": "Education",
        "topic_housing_given_ind": "Housing",
        "topic_health_given_ind": "Health",
        "topic_money_given_ind": "Money and Finances",
        "topic_transportation_given_ind": "Transportation",
        "topic_media_given_ind": "Communications and Media",
        "topic_community_given_ind": "Community Engagement",
        "topic_citizenship_given_ind": "Becoming a Canadian Citizen",
        "topic_conflict_given_ind": "Interpersonal Conflict",
        "support_received_ind": "Support Services Received",
        "childminding_ind": "Care for Newcomer Children",
        "transportation_ind": "Transportation",
        "support_disability_ind": "Provisions for Disabilities",
        "translation_ind": "Translation",
        "interpretation_ind": "Interpretation",
        "counselling_ind": "Crisis Counselling",
        "end_dttm": "End Date of Service (YYYY-MM-DD)",
    },
    "Employment": {
        "processing_details": "Processing Details",
        "client_validation_type_id": "Unique Identifier",
        "client_validation_id": "Unique Identifier Value",
        "client_birth_dt": "Date of Birth (YYYY-MM-DD)",
        "postal_cd": "Postal Code where the service was received",
        "session_service_lang_id": "Language of Service",
        "session_official_lang_id": "Official Language of Preference",
        "institution_type_id": "Type of Institution/Organization Where Client Received Services",
        "assessment_referral_id": "Referred By",
        "session_employment_status_id": "Employment Status",
        "session_education_status_id": "Education Status",
        "session_intended_occupation_id": "Intended Occupation",
        "intervention_type_id": "Intervention Type",
        "intervention_received_id": "Long Term Intervention: Intervention Received",
        "intervention_status_id": "Long Term Intervention: Status of Intervention",
        "intervention_leave_reason_id": "Long Term Intervention: Reason For Leaving Intervention",
        "intervention_start_dt": "Long Term Intervention: Start Date (YYYY-MM-DD)",
        "intervention_end_dt": "Long Term Intervention: End Date (YYYY-MM-DD)",
        "short_term_service[1]service_received_id": "Short Term Intervention: Service Received",
        "short_term_service[1]entry_dt": "Short Term Intervention: Date (YYYY-MM-DD)",
        "support_received_ind": "Support Services Received",
        "childminding_ind": "Care for Newcomer Children",
        "transportation_ind": "Transportation",
        "support_disability_ind": "Provisions for Disabilities",
        "translation_ind": "Translation",
        "interpretation_ind": "Interpretation",
        "counselling_ind": "Crisis Counselling",
        "complete_hours_spent_no": "Time Spent With Client/Addressing Client's Employment Needs: Hours",
        "complete_minutes_spent_no": "Time Spent With Client/Addressing Client's Employment Needs: Minutes",
    },
    "Community Connections": {
        "processing_details": "Processing Details",
        "client_validation_type_id": "Unique Identifier",
        "client_validation_id": "Unique Identifier Value",
        "client_birth_dt": "Date of Birth (YYYY-MM-DD)",
        "postal_cd": "Postal Code where the service was received",
        "service_lang_id": "Language of Service",
        "preferred_official_lang_id": "Official Language of Preference",
        "assessment_referral_id": "Referred By",
        "community_activity_id": "Activity Under Which Client Received Services",
        "institution_type_id": "Type of Institution/Organization Where Client Received Services",
        "events_type_attended_id": "Type of Event Attended",
        "service_type_id": "Type of Service",
        "topics_service_id": "Main Topic/Focus of the Service Received",
        "community_service_id": "Service Received",
        "group_clients_no_id": "Number of Unique Participants",
        "volunteers_participate_ind": "Did Volunteers from the Host Community Participate in the Activity",
        "target_group_specific_ind": "Directed at a Specific Target Group",
        "target_group_children_ind": "Target Group: Children (0-14 yrs)",
        "target_group_youth_ind": "Target Group: Youth (15-24 yrs)",
        "target_group_senior_ind": "Target Group: Senior",
        "target_group_gender_ind": "Target Group: Gender-specific",
        "target_group_refugee_ind": "Target Group: Refugees",
        "target_group_ethnic_ind": "Target Group: Ethnic/cultural/linguistic group",
        "target_group_hearing_ind": "Target Group: Deaf or Hard of Hearing",
        "target_group_visual_ind": "Target Group: Blind or Partially Sighted",
        "target_group_LGBTQ_ind": "Target Group: Lesbian, Gay, Bisexual, Transgender, Queer (LGBTQ)",
        "target_group_families_parents_ind": "Target Group: Families/Parents",
        "target_group_other_impairments_ind": "Target Group: Other impairments (physical, mental)",
        "target_group_CWIT_in_regulated_profession_ind": "Target Group: Clients with "
        "international training in a "
        "regulated profession",
        "target_group_CWIT_in_regulated_trade_ind": "Target Group: Clients with "
        "international training in a "
        "regulated trade",
        "target_group_official_language_minorities_ind": "Target Group: Official language minorities",
        "service_status_id": "Status of Service",
        "community_leave_reason_id": "Reason for Leaving Service",
        "service_start_dt": "Start Date (YYYY-MM-DD)",
        "service_end_dt": "End Date (YYYY-MM-DD)",
        "support_received_ind": "Support Services Received",
        "childminding_ind": "Care for Newcomer Children",
        "transportation_ind": "Transportation",
        "support_disability_ind": "Provisions for Disabilities",
        "translation_ind": "Translation",
        "interpretation_ind": "Interpretation",
        "counselling_ind": "Crisis Counselling",
        "service_length_hours_no": "Total Length of Service: Hours",
        "service_length_minutes_no": "Total Length of Service: Minutes",
    },
    "LT Course Setup": {
        "processing_details": "Processing Details",
        "course_cd": "Course Code",
        "course_note": "Notes",
        "held_on_ongoing_basis_ind": "Course Held On An Ongoing Basis",
        "official_language_id": "Official Language of Course",
        "training_format_id": "Format of Training Provided",
        "training_location_id": "Classes Held At",
        "total_spots_num": "Total Number of Spots in Course",
        "course_enrolment_id": "New Students Can Enrol in the Course",
        "start_dt": "Course Start Date (YYYY-MM-DD)",
        "end_dt": "Course End Date (YYYY-MM-DD)",
        "instructional_hours_per_class": "Instructional Hours Per Class",
        "classes_per_week": "Classes Per Week",
        "weeks_of_instruction": "Weeks of Instruction",
        "course_dominant_focus_id": "Dominant Focus of the Course",
        "target_group_ind": "Course Directed at a Specific Target Group",
        "contact_nme": "Contact Name",
        "street_no": "Street Number",
        "street_nme": "Street Name",
        "street_type_id": "Street Type",
        "street_direction_id": "Street Direction",
        "unit_txt": "Unit/Suite",
        "city_id": "City",
        "postal_cd": "Postal Code (A#A#A#)",
        "phone_no": "Telephone Number (###-###-####)",
        "phone_ext_no": "Telephone Extension",
        "email_txt": "Email Address",
    },
    "LT Client Enrol": {
        "processing_details": "Processing Details",
        "client_validation_type_id": "Unique Identifier Type",
        "client_validation_id": "Unique Identifier Value",
        "client_birth_dt": "Client Date of Birth (YYYY-MM-DD)",
        "postal_cd": "Postal Code where the service was received",
        "course_cd": "Course Code",
        "first_class_dt": "Date of Client's First Class (YYYY-MM-DD)",
        "preferred_official_lang_id": "Official Language of Preference",
        "support_received_ind": "Support services received",
        "childminding_ind": "Care for newcomer children",
        "transportation_ind": "Transportation",
        "support_disability_ind": "Provisions for disabilities",
        "translation_ind": "Translation",
        "interpretation_ind": "Interpretation",
        "counselling_ind": "Crisis Counselling",
    },
    "LT Client Exit": {
        "processing_details": "Processing Details",
        "client_validation_type_id": "Unique Identifier Type",
        "client_validation_id": "Unique Identifier Value",
        "client_birth_dt": "Client Date of Birth (YYYY-MM-DD)",
        "course_cd": "Course Code",
        "training_status_id": "Client's Training Status",
        "exit_course_dt": "Date Client Exited Course (YYYY-MM-DD)",
        "exit_course_reason_id": "Reason for Exiting course",
        "listening_CLB_level_id": "Listening CLB Level",
        "speaking_CLB_level_id": "Speaking CLB Level",
        "reading_CLB_level_id": "Reading CLB Level",
        "writing_CLB_level_id": "Writing CLB Level",
        "certificate_issued_ind": "Was a Certificate issued to the client?",
        "certificate_listening_level_id": "Listening level indicated on Certificate",
        "certificate_speaking_level_id": "Speaking level indicated on Certificate",
        "support_received_ind": "Support services received",
        "childminding_ind": "Care for newcomer children",
        "transportation_ind": "Transportation",
        "support_disability_ind": "Provisions for disabilities",
        "translation_ind": "Translation",
        "interpretation_ind": "Interpretation",
        "counselling_ind": "Crisis Counselling",
    },
}

# sheet -> folded labels that iCARE gives to several columns of that sheet (e.g. "Transportation"
# is both "may be required" and "received" on the needs assessment): never matched by label.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "Client Profile": (),
    "Needs Assessment&Referrals": (
        "and",
        "between",
        "care for newcomer children",
        "crisis counselling",
        "interpretation",
        "provisions for disabilities",
        "translation",
        "transportation",
    ),
    "Info&Orien": ("and", "between", "transportation"),
    "Employment": ("and", "between"),
    "Community Connections": ("and", "between"),
    "LT Course Setup": (),
    "LT Client Enrol": (),
    "LT Client Exit": (),
}


def wanted_columns(sheet_name: str) -> set[str]:
    contract = extract_contract()
    sheet = contract.sheet(sheet_name)
    names = set(sheet.column_names) | set(contract.direct_identifiers) | {"processing_details"}
    for column in sheet.columns:
        names.update(column.replaces)
    return names


def derive(workbook: Path) -> tuple[dict[str, dict[str, str]], dict[str, tuple[str, ...]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(workbook))
    labels: dict[str, dict[str, str]] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    for sheet in extract_contract().sheets:
        if sheet.source != "icare":
            continue
        rows = book.get_sheet_by_name(sheet.name).to_python()
        pairs = [(str(n).strip(), str(label).strip()) for n, label in zip(rows[1], rows[2], strict=False)]
        names_by_label: dict[str, set[str]] = defaultdict(set)
        for name, label in pairs:
            if name:
                names_by_label[fold(label)].add(name)
        wanted = wanted_columns(sheet.name)
        labels[sheet.name] = {name: label for name, label in pairs if name in wanted}
        ambiguous[sheet.name] = tuple(sorted(k for k, v in names_by_label.items() if len(v) > 1))
    return labels, ambiguous


def main(argv: list[str]) -> None:
    labels, ambiguous = derive(Path(argv[0]))
    print(f"ICARE_LABELS: dict[str, dict[str, str]] = {pformat(labels, width=110, sort_dicts=False)}\n")
    print(f"AMBIGUOUS: dict[str, tuple[str, ...]] = {pformat(ambiguous, width=110, sort_dicts=False)}")


if __name__ == "__main__":
    main(sys.argv[1:])
