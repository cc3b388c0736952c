"""The shipped code lists load, cross-reference each other and speak without blame."""

from __future__ import annotations

import csv
import re
from importlib import resources
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

import ceintel.codes as codes_module
from ceintel.codes import CodeList, available, code_list
from ceintel.errors import ConfigError

# Other modules rely on these exact codes: changing one is a breaking change.
EXPECTED_CODES = {
    "exploitation_type": {
        "cse",
        "cce",
        "county_lines",
        "trafficking",
        "financial",
        "online",
        "serious_youth_violence",
        "radicalisation",
    },
    "cin_factor": {
        "1A",
        "1B",
        "1C",
        "2A",
        "2B",
        "2C",
        "3A",
        "3B",
        "3C",
        "4A",
        "4B",
        "4C",
        "5A",
        "5B",
        "5C",
        "6A",
        "6B",
        "6C",
        "7A",
        "8B",
        "8C",
        "8D",
        "8E",
        "8F",
        "9A",
        "10A",
        "11A",
        "12A",
        "13A",
        "14A",
        "15A",
        "16A",
        "17A",
        "18B",
        "18C",
        "19B",
        "19C",
        "20",
        "21",
        "22A",
        "23A",
        "24A",
    },
    "ace_type": {
        "physical_abuse",
        "sexual_abuse",
        "emotional_abuse",
        "physical_neglect",
        "emotional_neglect",
        "domestic_abuse",
        "household_substance_misuse",
        "household_mental_illness",
        "household_imprisonment",
        "parental_separation",
    },
    "ethnicity_ons": {"white", "mixed", "asian", "black", "other", "not_known", "refused"},
    "ethnicity_dfe": {
        "WBRI",
        "WIRI",
        "WIRT",
        "WOTH",
        "WROM",
        "MWBC",
        "MWBA",
        "MWAS",
        "MOTH",
        "AIND",
        "APKN",
        "ABAN",
        "AOTH",
        "BCRB",
        "BAFR",
        "BOTH",
        "CHNE",
        "OOTH",
        "REFU",
        "NOBT",
    },
    "ethnicity_police_ic": {"IC1", "IC2", "IC3", "IC4", "IC5", "IC6", "IC9", "IC0"},
    "ethnicity_self_defined": {
        "W1",
        "W2",
        "W3",
        "W4",
        "W9",
        "M1",
        "M2",
        "M3",
        "M9",
        "A1",
        "A2",
        "A3",
        "A4",
        "A9",
        "B1",
        "B2",
        "B9",
        "O2",
        "O9",
        "NS",
    },
    "ethnicity_nhs": {
        "A",
        "B",
        "C",
        "D",
        "E",
        "F",
        "G",
        "H",
        "J",
        "K",
        "L",
        "M",
        "N",
        "P",
        "R",
        "S",
        "Z",
        "99",
    },
    "sex": {"M", "F", "U", "I"},
    "event_type": {
        "contact",
        "referral",
        "assessment",
        "section_47",
        "child_protection_plan",
        "looked_after",
        "missing",
        "away_without_authorisation",
        "return_home_interview",
        "police_incident",
        "crime_victim",
        "crime_suspect",
        "arrest",
        "nrm_referral",
        "suspension",
        "permanent_exclusion",
        "emergency_department_attendance",
        "youth_justice_outcome",
        "early_help_episode",
        "mace_referral",
        "mace_plan",
        "disruption_cawn",
        "disruption_sro",
        "disruption_shpo",
        "disruption_strpo",
        "disruption_stpo",
        "disruption_closure_order",
        "disruption_hotel_notice",
        "voluntary_service_referral",
        "persistent_absence",
    },
    "place_type": {
        "home",
        "school",
        "park",
        "estate",
        "shopping_centre",
        "takeaway",
        "transport_hub",
        "hotel",
        "short_term_let",
        "online",
        "residential_address_of_concern",
        "street",
        "retail",
        "leisure",
        "other",
    },
    "event_role": {
        "subject",
        "victim",
        "suspect",
        "witness",
        "missing_person",
        "reporting_person",
        "associate",
    },
    "association_kind": {
        "sibling",
        "family",
        "household_member",
        "recorded_associate",
        "co_occurrence",
        "shared_place",
        "disruption_protects",
    },
    "health_presentation": {
        "assault",
        "self_harm",
        "substance_misuse",
        "sexual_health",
        "injury_other",
        "other",
    },
    "youth_justice_outcome": {
        "community_resolution",
        "youth_caution",
        "youth_conditional_caution",
        "referral_order",
        "youth_rehabilitation_order",
        "detention_training_order",
        "other",
    },
    "role": {"child", "adult"},
}

ETHNICITY_LISTS = [
    "ethnicity_dfe",
    "ethnicity_police_ic",
    "ethnicity_self_defined",
    "ethnicity_nhs",
]

EVENT_GROUPS = {
    "social_care",
    "early_help",
    "missing",
    "police",
    "education",
    "health",
    "youth_justice",
    "voluntary",
    "mace",
    "disruption",
    "nrm",
}

# A small stand-in for the project's language checker: phrases that blame a child
# or minimise their abuse must not appear in any label or description.
BANNED_PHRASES = [
    "involved in",
    "involvement in",
    "child prostitute",
    "child prostitution",
    "child pornography",
    "putting themselves at risk",
    "put themselves at risk",
    "risky behaviour",
    "recruited",
    "drug runner",
    "money mule",
    "lifestyle",
    "promiscuous",
    "sexually active",
    "plugging",
    "in a relationship with",
    "chose to",
    "choosing to",
]


def banned_phrases_in(text: str) -> list[str]:
    folded = " ".join(text.casefold().split())
    return [p for p in BANNED_PHRASES if re.search(rf"\b{re.escape(p)}\b", folded)]


@pytest.fixture
def isolated_code_lists(tmp_path, monkeypatch):
    """Point the loader at an empty folder of YAML files, with a fresh cache."""
    monkeypatch.setattr(codes_module, "resources", SimpleNamespace(files=lambda _name: tmp_path))
    code_list.cache_clear()
    yield tmp_path
    code_list.cache_clear()


def test_every_expected_list_is_shipped():
    assert set(available()) == set(EXPECTED_CODES)


@pytest.mark.parametrize("name", sorted(EXPECTED_CODES))
def test_list_loads_with_its_exact_codes(name):
    codes = code_list(name)
    assert codes.name == name
    assert len(codes.codes) == len(set(codes.codes)), "a code appears twice"
    assert set(codes.codes) == EXPECTED_CODES[name]
    for entry in codes.entries:
        assert entry.label.strip() and entry.source.strip(), entry.code


@pytest.mark.parametrize("name", ETHNICITY_LISTS)
def test_every_ethnicity_code_maps_to_an_ons_group(name):
    ons = code_list("ethnicity_ons")
    for entry in code_list(name).entries:
        assert entry.attributes.get("ons_group") in ons, f"{name} {entry.code}"


@pytest.mark.parametrize(
    ("name", "code", "group"),
    [
        ("ethnicity_dfe", "CHNE", "asian"),
        ("ethnicity_dfe", "REFU", "refused"),
        ("ethnicity_dfe", "NOBT", "not_known"),
        ("ethnicity_police_ic", "IC5", "asian"),
        ("ethnicity_police_ic", "IC6", "other"),
        ("ethnicity_police_ic", "IC0", "not_known"),
        ("ethnicity_self_defined", "A4", "asian"),
        ("ethnicity_self_defined", "O2", "other"),
        ("ethnicity_nhs", "R", "asian"),
        ("ethnicity_nhs", "99", "not_known"),
    ],
)
def test_ethnicity_mappings_that_are_easy_to_get_wrong(name, code, group):
    assert code_list(name).attribute(code, "ons_group") == group


def test_cin_factor_attributes_point_to_real_codes():
    factors = code_list("cin_factor")
    exploitation = code_list("exploitation_type")
    aces = code_list("ace_type")
    for entry in factors.entries:
        if "exploitation_type" in entry.attributes:
            assert entry.attributes["exploitation_type"] in exploitation, entry.code
        if "ace" in entry.attributes:
            assert entry.attributes["ace"] in aces, entry.code
    assert factors.attribute("11A", "exploitation_type") == "cse"
    assert factors.attribute("12A", "exploitation_type") == "trafficking"
    assert factors.attribute("24A", "exploitation_type") == "cce"
    assert factors.attribute("10A", "concern") == "missing"
    assert factors.attribute("13A", "concern") == "gangs"


def test_cin_factor_ace_proxies():
    factors = code_list("cin_factor")
    proxies = {e.code: e.attributes["ace"] for e in factors.entries if "ace" in e.attributes}
    assert proxies == {
        "1B": "household_substance_misuse",
        "1C": "household_substance_misuse",
        "2B": "household_substance_misuse",
        "2C": "household_substance_misuse",
        "3B": "domestic_abuse",
        "3C": "domestic_abuse",
        "4B": "household_mental_illness",
        "4C": "household_mental_illness",
        "16A": "physical_neglect",
        "17A": "emotional_abuse",
        "18C": "physical_abuse",
        "19C": "sexual_abuse",
    }


def test_cin_factor_subject_for_the_abc_families():
    factors = code_list("cin_factor")
    for family in range(1, 7):
        for letter, subject in (("A", "child"), ("B", "parent"), ("C", "household")):
            assert factors.attribute(f"{family}{letter}", "subject") == subject


def test_every_event_type_has_a_known_group():
    for entry in code_list("event_type").entries:
        assert entry.attributes.get("group") in EVENT_GROUPS, entry.code


def test_county_lines_is_a_form_of_criminal_exploitation():
    types = code_list("exploitation_type")
    assert types.attribute("county_lines", "parent") == "cce"
    assert types.attribute("county_lines", "parent") in types


def test_youth_justice_formal_outcomes():
    outcomes = code_list("youth_justice_outcome")
    assert outcomes.attribute("community_resolution", "formal") is False
    formal = set(outcomes.codes) - {"community_resolution", "other"}
    for code in formal:
        assert outcomes.attribute(code, "formal") is True, code


@pytest.mark.parametrize(
    ("name", "raw", "code"),
    [
        ("sex", "1", "M"),
        ("sex", "2", "F"),
        ("sex", "0", "U"),
        ("sex", "9", "U"),
        ("sex", "Girl", "F"),
        ("sex", "not known", "U"),
        ("sex", "m", "M"),
        ("ethnicity_dfe", "wbri", "WBRI"),
        ("ethnicity_dfe", "White British", "WBRI"),
        ("ethnicity_self_defined", "O1", "A4"),
        ("ethnicity_police_ic", "ic 3", "IC3"),
        ("exploitation_type", "C.S.E", "cse"),
        ("exploitation_type", "County Lines", "county_lines"),
        ("exploitation_type", "MS/HT", "trafficking"),
        ("exploitation_type", "CCE", "cce"),
        ("cin_factor", "11a", "11A"),
        ("cin_factor", "CSE", "11A"),
        ("cin_factor", "cce", "24A"),
        ("event_type", "S47", "section_47"),
        ("event_type", "CAWN", "disruption_cawn"),
        ("event_type", "Fixed term exclusion", "suspension"),
        ("health_presentation", "Deliberate self-harm", "self_harm"),
        ("youth_justice_outcome", "YRO", "youth_rehabilitation_order"),
    ],
)
def test_lookup_by_code_label_or_alias(name, raw, code):
    assert code_list(name).lookup(raw) == code


def test_lookup_of_an_unknown_value_is_none():
    assert code_list("sex").lookup("banana") is None
    assert code_list("sex").lookup(None) is None


def test_unknown_list_is_a_config_error():
    with pytest.raises(ConfigError, match="no code list 'nonsense'"):
        code_list("nonsense")


def test_a_clashing_alias_is_rejected():
    with pytest.raises(ValidationError, match="names both"):
        CodeList.model_validate(
            {
                "name": "clash",
                "title": "Clash",
                "description": "d",
                "source": "s",
                "version": "1",
                "entries": [
                    {"code": "a", "label": "A", "source": "s", "aliases": ["same"]},
                    {"code": "b", "label": "B", "source": "s", "aliases": ["Same"]},
                ],
            }
        )


def test_invalid_yaml_content_is_a_config_error_naming_the_file(isolated_code_lists):
    (isolated_code_lists / "broken.yaml").write_text(
        "name: broken\ntitle: Broken\nentries:\n  - code: x\n    colour: red\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"broken\.yaml"):
        code_list("broken")


def test_a_list_whose_name_differs_from_its_file_is_a_config_error(isolated_code_lists):
    (isolated_code_lists / "wrong.yaml").write_text(
        "name: right\ntitle: T\ndescription: d\nsource: s\nversion: '1'\n"
        "entries:\n  - {code: x, label: X, source: s}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"wrong\.yaml"):
        code_list("wrong")


def test_banned_phrase_check_catches_a_blaming_label():
    assert banned_phrases_in("Child involved in CSE") == ["involved in"]
    assert banned_phrases_in("Putting themselves\nat risk") == ["putting themselves at risk"]
    assert banned_phrases_in("Child sexual exploitation") == []


@pytest.mark.parametrize("name", sorted(EXPECTED_CODES))
def test_labels_and_descriptions_use_non_blaming_language(name):
    codes = code_list(name)
    texts = {f"{name}.title": codes.title, f"{name}.description": codes.description}
    for entry in codes.entries:
        texts[f"{name}.{entry.code}.label"] = entry.label
        texts[f"{name}.{entry.code}.description"] = entry.description or ""
    problems = {where: found for where, text in texts.items() if (found := banned_phrases_in(text))}
    assert not problems


def read_nicknames() -> list[dict[str, str]]:
    text = (resources.files("ceintel.codes") / "nicknames.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_nicknames_table_is_clean():
    rows = read_nicknames()
    assert len(rows) >= 150
    assert list(rows[0]) == ["formal", "nickname"]
    pairs = [(r["formal"], r["nickname"]) for r in rows]
    assert len(pairs) == len(set(pairs)), "duplicate rows"
    for formal, nickname in pairs:
        assert formal and nickname and formal.strip() == formal and nickname.strip() == nickname
        assert formal != nickname
    assert ("Robert", "Bob") in pairs
    assert ("Mohammed", "Mo") in pairs
