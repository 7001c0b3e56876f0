"""`escalator check` of the fields the policy names: a missing field or drop-down value names the fix."""

import copy

from support.check_account import FIELDS, check, row_detail


def test_a_missing_field_or_option_row_names_the_fix(zendesk, tmp_path, capsys):
    fields = [f for f in copy.deepcopy(FIELDS) if f["id"] not in (360010000002, 360010000005)]
    fields[0]["custom_field_options"].pop()  # no "requested" option
    code, rows, lines = check(tmp_path, capsys, zendesk(fields=fields))
    assert row_detail(lines, "field 360010000002") == (
        "not found (fields.level): run `escalator setup`, which creates the field and prints its id for [fields], "
        "or correct the id"
    )
    assert row_detail(lines, "field 360010000005") == (
        "not found (routes[2].when.fields): correct the id (Admin Center > Objects and rules > Tickets > Fields "
        "shows each field's id)"
    )
    assert row_detail(lines, "field 360010000001 = escalation_requested") == (
        "not an option of this drop-down (field_values.requested): run `escalator setup`, which adds it (the "
        "field's other options stay)"
    )
    fields = copy.deepcopy(FIELDS)
    fields[4]["custom_field_options"][0]["value"] = "invoices"
    code, rows, lines = check(tmp_path, capsys, zendesk(fields=fields))
    assert row_detail(lines, "field 360010000005 = billing") == (
        "not an option of this drop-down (routes[2].when.fields): add it to the field in Admin Center > Objects and "
        "rules > Tickets > Fields, or correct the value"
    )
