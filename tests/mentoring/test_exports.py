def test_a_negative_number_stays_a_number_while_a_formula_text_is_neutralised():
    from decimal import Decimal

    from mentoring.exports import csv_cell

    assert csv_cell(-2.0) == "-2.0"
    assert csv_cell(-3) == "-3"
    assert csv_cell(Decimal("-1.5")) == "-1.5"
    assert csv_cell("-2") == "'-2"
    assert csv_cell(True) == "True"
